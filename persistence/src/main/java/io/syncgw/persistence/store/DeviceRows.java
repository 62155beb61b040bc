package io.syncgw.persistence.store;

import io.r2dbc.spi.Readable;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.sync.ConflictPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Device rows read into the engine's types: the record and the policy columns of V5. */
final class DeviceRows {
    private DeviceRows() {
    }

    static DeviceRecord device(Readable row, long accountId, String deviceUri, String idColumn) {
        return new DeviceRecord(Sql.getLong(row, idColumn), accountId, deviceUri, Sql.getInt(row, "slot"),
                Sql.getText(row, "nonce"), Sql.getText(row, "devinf_hash"), policy(row));
    }

    /**
     * The policy of {@link StoreSql#DEVICE_POLICY_COLUMNS}. The schema's checks keep the values valid; one that is
     * not (a row edited by hand) falls back to the default for that field rather than failing the device's sync.
     */
    static DevicePolicy policy(Readable row) {
        String[] stores = row.get("datastores", String[].class);
        Set<String> datastores = stores == null ? DevicePolicy.DATASTORES : Arrays.stream(stores)
                .filter(DevicePolicy.DATASTORES::contains).collect(Collectors.toSet());
        return new DevicePolicy(Sql.getText(row, "name"), Boolean.TRUE.equals(row.get("active", Boolean.class)),
                datastores,
                DevicePolicy.Direction.of(Sql.getText(row, "direction")).orElse(DevicePolicy.Direction.TWO_WAY),
                list(row.get("contact_categories", String[].class)),
                list(row.get("exclude_categories", String[].class)),
                row.get("calendar_past_days", Integer.class), row.get("calendar_future_days", Integer.class),
                ConflictPolicy.of(Sql.getText(row, "conflict_policy")).orElse(null),
                !Boolean.FALSE.equals(row.get("deletes_propagate", Boolean.class)),
                DevicePolicy.NextSync.of(Sql.getText(row, "next_sync")).orElse(DevicePolicy.NextSync.NORMAL));
    }

    private static List<String> list(String[] a) {
        return a == null ? List.of() : List.of(a);
    }
}
