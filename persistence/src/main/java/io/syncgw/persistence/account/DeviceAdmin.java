package io.syncgw.persistence.account;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.persistence.Connections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The device slots of an account, for the admin API and the self-service page: list them, change a device's
 * configuration, free a slot. An account has {@code account.max_devices} slots, or the server's default when it sets
 * none; a device in a slot beyond that number (the limit was lowered) is still listed. Reactive: one statement per
 * call (freeing a slot: two, in one transaction).
 */
public final class DeviceAdmin {

    private static final String COLUMNS = """
            d.slot, d.device_uri, d.manufacturer, d.model, d.last_sync, d.active, d.name, d.datastores, d.direction,
            d.contact_categories, d.exclude_categories, d.calendar_past_days, d.calendar_future_days,
            d.conflict_policy, d.deletes_propagate, d.next_sync""";

    private static final String SLOTS = "select coalesce(a.max_devices, $2::int) as max_devices, " + COLUMNS + """

            from account a left join device d on d.account_id = a.id
            where a.login = $1
            order by d.slot""";

    private static final String ACCOUNT_EXISTS = "select count(*) as n from account where login = $1";

    /**
     * Tombstones that only the device being removed still maps: nobody else is owed their deletion, so they go with
     * it (the account's live items stay).
     */
    private static final String PURGE_TOMBSTONES = """
            with d as (
                select d.id, d.account_id from device d join account a on a.id = d.account_id
                where a.login = $1 and d.slot = $2
            )
            delete from item i using item_map m, d
            where m.device_id = d.id and i.id = m.item_id and i.account_id = d.account_id and i.deleted
              and not exists (select 1 from item_map o where o.item_id = i.id and o.device_id <> d.id)""";

    /** Its mappings, anchors, checkpoints and spooled chunks go by cascade. */
    private static final String DELETE_DEVICE = """
            delete from device d using account a
            where a.id = d.account_id and a.login = $1 and d.slot = $2
            returning d.id""";

    private final ConnectionFactory factory;
    private final int defaultMaxDevices;

    /**
     * @param defaultMaxDevices the number of slots of an account that sets none ({@code --max-devices}, 4)
     */
    public DeviceAdmin(ConnectionFactory factory, int defaultMaxDevices) {
        this.factory = Objects.requireNonNull(factory, "factory");
        if (defaultMaxDevices < 1 || defaultMaxDevices > AccountAdmin.MAX_DEVICES_LIMIT) {
            throw new IllegalArgumentException("implausible number of device slots: " + defaultMaxDevices);
        }
        this.defaultMaxDevices = defaultMaxDevices;
    }

    public int defaultMaxDevices() {
        return defaultMaxDevices;
    }

    /**
     * Every slot of the account, by number: 1 to its number of slots (more when a device sits beyond it), free
     * ones included.
     *
     * @return {@link AccountException} ({@link AccountException.Reason#NOT_FOUND}) when there is no such account
     */
    public Mono<List<DeviceSlot>> slots(String login) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(SLOTS).bind(0, login)
                        .bind(1, defaultMaxDevices).execute())
                .concatMap(r -> r.map(row -> new Object[] {row.get("max_devices", Integer.class),
                        row.get("slot", Integer.class) == null ? null : slot(row)}))
                .collectList())
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        return Mono.error(noAccount(login));
                    }
                    int max = (Integer) rows.get(0)[0];
                    Map<Integer, DeviceSlot> taken = new TreeMap<>();
                    for (Object[] r : rows) {
                        if (r[1] != null) {
                            DeviceSlot s = (DeviceSlot) r[1];
                            taken.put(s.slot(), s);
                            max = Math.max(max, s.slot());
                        }
                    }
                    List<DeviceSlot> all = new ArrayList<>(max);
                    for (int i = 1; i <= max; i++) {
                        all.add(taken.getOrDefault(i, DeviceSlot.free(i)));
                    }
                    return Mono.just(all);
                });
    }

    /** One slot, free or not; {@link AccountException} (not found) for an unknown account or slot number. */
    public Mono<DeviceSlot> slot(String login, int slot) {
        return slots(login).flatMap(all -> slot >= 1 && slot <= all.size() ? Mono.just(all.get(slot - 1))
                : Mono.error(AccountException.notFound("account '" + login + "' has no slot " + slot)));
    }

    /**
     * Applies {@code change} to the device in {@code slot}: only the fields it sets change.
     *
     * @return the slot as it is now; {@link AccountException} (not found) when the account is unknown or the slot
     *         holds no device
     */
    public Mono<DeviceSlot> update(String login, int slot, DeviceChange change) {
        Objects.requireNonNull(change, "change");
        if (change.isEmpty()) {
            return slot(login, slot).flatMap(s -> s.isFree() ? Mono.error(noDevice(login, slot)) : Mono.just(s));
        }
        List<DeviceChange.Field> fields = new ArrayList<>(change.fields());
        String set = fields.stream().map(f -> f.column() + " = $" + (fields.indexOf(f) + 3))
                .collect(Collectors.joining(", "));
        String sql = "update device d set " + set + " from account a where a.id = d.account_id and a.login = $1"
                + " and d.slot = $2 returning " + COLUMNS;
        return Connections.withConnection(factory, c -> {
            Statement s = c.createStatement(sql).bind(0, login).bind(1, slot);
            for (int i = 0; i < fields.size(); i++) {
                bind(s, i + 2, fields.get(i), change.value(fields.get(i)));
            }
            return Flux.from(s.execute()).concatMap(r -> r.map(DeviceAdmin::slot)).next();
        }).switchIfEmpty(Mono.defer(() -> missing(login, slot)));
    }

    /**
     * Frees a slot: the device goes with its mappings, anchors and checkpoints (it registers anew, as a new device,
     * at its next session); the account's items stay. Tombstones kept only for that device go too.
     *
     * @return empty; {@link AccountException} (not found) when the account is unknown or the slot holds no device
     */
    public Mono<Void> free(String login, int slot) {
        return Connections.inTransaction(factory, c -> run(c, PURGE_TOMBSTONES, login, slot)
                        .then(Flux.from(c.createStatement(DELETE_DEVICE).bind(0, login).bind(1, slot).execute())
                                .concatMap(r -> r.map(row -> 1)).count()))
                .flatMap(n -> n == 0 ? missing(login, slot) : Mono.empty());
    }

    private static Mono<Long> run(Connection c, String sql, String login, int slot) {
        return Flux.from(c.createStatement(sql).bind(0, login).bind(1, slot).execute())
                .concatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
    }

    /** Not found: which of the account and the device is missing. */
    private <T> Mono<T> missing(String login, int slot) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(ACCOUNT_EXISTS).bind(0, login)
                        .execute()).concatMap(r -> r.map(row -> row.get("n", Long.class))).next())
                .flatMap(n -> Mono.error(n != null && n > 0 ? noDevice(login, slot) : noAccount(login)));
    }

    private static AccountException noAccount(String login) {
        return AccountException.notFound("no account '" + login + "'");
    }

    private static AccountException noDevice(String login, int slot) {
        return AccountException.notFound("slot " + slot + " of '" + login + "' holds no device");
    }

    private static void bind(Statement s, int index, DeviceChange.Field f, Object value) {
        if (value != null) {
            s.bind(index, value);
            return;
        }
        s.bindNull(index, switch (f) {
            case CALENDAR_PAST_DAYS, CALENDAR_FUTURE_DAYS -> Integer.class;
            default -> String.class;
        });
    }

    private static DeviceSlot slot(Readable row) {
        String[] stores = row.get("datastores", String[].class);
        Set<String> datastores = stores == null ? Set.of() : Arrays.stream(stores)
                .filter(DevicePolicy.DATASTORES::contains).collect(Collectors.toSet());
        DevicePolicy policy = new DevicePolicy(row.get("name", String.class),
                Boolean.TRUE.equals(row.get("active", Boolean.class)), datastores,
                DevicePolicy.Direction.of(row.get("direction", String.class)).orElse(DevicePolicy.Direction.TWO_WAY),
                list(row.get("contact_categories", String[].class)), list(row.get("exclude_categories", String[].class)),
                row.get("calendar_past_days", Integer.class), row.get("calendar_future_days", Integer.class),
                ConflictPolicy.of(row.get("conflict_policy", String.class)).orElse(null),
                !Boolean.FALSE.equals(row.get("deletes_propagate", Boolean.class)),
                DevicePolicy.NextSync.of(row.get("next_sync", String.class)).orElse(DevicePolicy.NextSync.NORMAL));
        return new DeviceSlot(Objects.requireNonNull(row.get("slot", Integer.class)),
                Objects.requireNonNull(row.get("device_uri", String.class)), row.get("manufacturer", String.class),
                row.get("model", String.class), row.get("last_sync", Instant.class), policy);
    }

    private static List<String> list(String[] a) {
        return a == null ? List.of() : Arrays.asList(a);
    }
}
