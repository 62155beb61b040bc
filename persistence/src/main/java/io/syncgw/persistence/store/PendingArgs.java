package io.syncgw.persistence.store;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingRead;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The pending-changes read ({@link StoreSql#PENDING_CHANGES}): its arguments after the account and the device ($3-$8)
 * and its rows, for the read alone and for the read that follows a write in one statement ({@link BatchWriter}).
 */
final class PendingArgs {
    private PendingArgs() {
    }

    /** The read alone, on {@code c}. */
    static Mono<List<PendingChange>> read(Connection c, long accountId, long deviceId, PendingRead read) {
        Object[] rest = of(read);
        Object[] args = new Object[rest.length + 2];
        args[0] = accountId;
        args[1] = deviceId;
        System.arraycopy(rest, 0, args, 2, rest.length);
        return Sql.query(c, StoreSql.PENDING_CHANGES, PendingArgs::change, args).collectList();
    }

    /** Datastore, categories of which an item needs one, categories that exclude it, window from and to, budget. */
    static Object[] of(PendingRead read) {
        return new Object[] {read.datastore(), read.filter().anyCategory().toArray(String[]::new),
            read.filter().noCategory().toArray(String[]::new), time(read.filter().from()), time(read.filter().to()),
            (long) read.contentBudget()};
    }

    static PendingChange change(Readable row) {
        return new PendingChange(PendingChange.Op.valueOf(Sql.getText(row, "op")), Sql.getLong(row, "id"),
                Sql.getText(row, "luid"), Sql.getLong(row, "change_seq"), Sql.getText(row, "content_type"),
                Sql.getInt(row, "size"), Sql.getBool(row, "recurring"), Sql.getText(row, "content"));
    }

    private static Object time(Instant t) {
        return t == null ? new Sql.Null(OffsetDateTime.class) : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
