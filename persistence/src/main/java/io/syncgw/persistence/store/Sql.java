package io.syncgw.persistence.store;

import io.syncgw.persistence.StoreStatistics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Binding and running one statement: positional arguments ({@code $1..}), typed nulls, row mapping. */
final class Sql {

    /** A null argument of a given type (R2DBC needs the type of a null). */
    record Null(Class<?> type) {
    }

    static final Null NULL_TEXT = new Null(String.class);
    static final Null NULL_BIGINT = new Null(Long.class);

    private Sql() {
    }

    static Object text(String value) {
        return value == null ? NULL_TEXT : value;
    }

    /** Rows of {@code sql} mapped by {@code mapper}. */
    static <T> Flux<T> query(Connection c, String sql, Function<Readable, T> mapper, Object... args) {
        return Flux.defer(() -> {
            StoreStatistics.count();
            return bind(c.createStatement(sql), args).execute();
        }).concatMap(r -> r.map(mapper));
    }

    /** Runs {@code sql}; the number of rows it changed. */
    static Mono<Long> update(Connection c, String sql, Object... args) {
        return Flux.defer(() -> {
            StoreStatistics.count();
            return bind(c.createStatement(sql), args).execute();
        }).concatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
    }

    private static Statement bind(Statement s, Object... args) {
        for (int i = 0; i < args.length; i++) {
            Object a = Objects.requireNonNull(args[i], "use Sql.Null for null arguments");
            if (a instanceof Null) {
                s.bindNull(i, ((Null) a).type());
            } else if (a instanceof String[] texts) {
                s.bind(i, arrayLiteral(texts));
            } else {
                s.bind(i, a);
            }
        }
        return s;
    }

    /**
     * A text array as PostgreSQL's array literal, bound as one text that the statement casts ({@code $n::text[]}).
     * The driver's own array encoding escapes element by element into a buffer that grows as it goes, a tenth of the
     * gateway's time in a slow sync (the arrays hold every item's content); this one sizes the buffer once.
     */
    static String arrayLiteral(String[] texts) {
        int size = 2;
        for (String t : texts) {
            size += t == null ? 5 : t.length() + 3;
        }
        StringBuilder out = new StringBuilder(size + size / 64);
        out.append('{');
        for (int i = 0; i < texts.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            String t = texts[i];
            if (t == null) {
                out.append("NULL");
                continue;
            }
            out.append('"');
            int from = 0;
            for (int j = 0; j < t.length(); j++) {
                char c = t.charAt(j);
                if (c == '"' || c == '\\') {
                    out.append(t, from, j).append('\\');
                    from = j;
                }
            }
            out.append(t, from, t.length()).append('"');
        }
        return out.append('}').toString();
    }

    static long getLong(Readable row, String column) {
        return Objects.requireNonNull(row.get(column, Long.class), column);
    }

    static int getInt(Readable row, String column) {
        return Objects.requireNonNull(row.get(column, Integer.class), column);
    }

    static boolean getBool(Readable row, String column) {
        return Objects.requireNonNull(row.get(column, Boolean.class), column);
    }

    static String getText(Readable row, String column) {
        return row.get(column, String.class);
    }
}
