package io.syncgw.persistence.store;

import io.r2dbc.spi.Readable;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingRead;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The arguments of a pending-changes read after the account and the device ({@link StoreSql#PENDING_CHANGES} $3-$8),
 * and its rows: one place for the read alone and the read that follows a write ({@link BatchWriter}).
 */
final class PendingArgs {
    private PendingArgs() {
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
