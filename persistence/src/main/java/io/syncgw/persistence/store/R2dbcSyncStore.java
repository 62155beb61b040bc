package io.syncgw.persistence.store;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.syncgw.engine.port.AccountCredentials;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.MappedItem;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingRead;
import io.syncgw.engine.port.StoredAnchor;
import io.syncgw.engine.port.StoredItem;
import io.syncgw.engine.port.SyncStore;
import io.syncgw.engine.port.TwinCandidate;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.port.WrittenAndPending;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The engine's {@link SyncStore} on PostgreSQL through R2DBC: every method is one pooled connection and a fixed,
 * small number of statements whatever the number of items (reads: one statement; {@link #write}: one statement per
 * kind of operation present, in one transaction, see {@link BatchWriter}). Nothing blocks. Connection failures
 * come out as {@link io.syncgw.engine.port.StoreUnavailableException} ({@link io.syncgw.persistence.StoreErrors}).
 * The statements are in {@link StoreSql}.
 */
public final class R2dbcSyncStore implements SyncStore {

    private final ConnectionFactory factory;

    public R2dbcSyncStore(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public R2dbcSyncStore(Database database) {
        this(database.connectionFactory());
    }

    @Override
    public Mono<AccountLookup> lookupAccount(String login, String deviceUri) {
        return lookup(StoreSql.LOOKUP_ACCOUNT, deviceUri, false, login, deviceUri, false);
    }

    @Override
    public Mono<AccountLookup> lookupAccount(String login, String deviceUri, String nextNonce, byte[] digest,
                                             boolean settled) {
        if (nextNonce == null || digest == null) {
            return lookup(StoreSql.LOOKUP_ACCOUNT, deviceUri, false, login, deviceUri, settled);
        }
        return lookup(StoreSql.LOOKUP_ACCOUNT_ROTATING_NONCE, deviceUri, true, login, deviceUri, nextNonce, digest,
                settled);
    }

    private Mono<AccountLookup> lookup(String sql, String deviceUri, boolean rotating, Object... args) {
        return Connections.withConnection(factory, c -> Sql.query(c, sql, row -> {
            long accountId = Sql.getLong(row, "id");
            AccountCredentials account = new AccountCredentials(accountId, Sql.getText(row, "login"),
                    Sql.getText(row, "password_hash"), Sql.getText(row, "md5_digest"),
                    Sql.getText(row, "password_sealed"));
            Long deviceId = row.get("device_id", Long.class);
            DeviceRecord device = deviceId == null ? null : DeviceRows.device(row, accountId, deviceUri, "device_id");
            boolean rotated = rotating && Boolean.TRUE.equals(row.get("nonce_rotated", Boolean.class));
            return new AccountLookup(account, device, device == null ? null : anchors(row), rotated,
                    device == null ? null : settled(row));
        }, args).collectList().map(rows -> rows.isEmpty() ? AccountLookup.UNKNOWN : rows.get(0)));
    }

    /** The anchors {@link StoreSql#LOOKUP_ACCOUNT} read; null when a checkpoint is to be resumed. */
    private static Map<String, StoredAnchor> anchors(Readable row) {
        if (Boolean.TRUE.equals(row.get("resuming", Boolean.class))) {
            return null;
        }
        String[] stores = row.get("anchor_stores", String[].class);
        if (stores == null) {
            return Map.of();
        }
        String[] clientNext = row.get("anchor_client_next", String[].class);
        String[] clientPrev = row.get("anchor_client_prev", String[].class);
        String[] serverNext = row.get("anchor_server_next", String[].class);
        Map<String, StoredAnchor> out = new HashMap<>();
        for (int i = 0; i < stores.length; i++) {
            out.put(stores[i], new StoredAnchor(stores[i], clientNext[i], clientPrev[i], serverNext[i], null));
        }
        return out;
    }

    /** The datastores whose anchor the lookup marked settled (anchor_settled, V20): nothing above the device's mark. */
    private static Set<String> settled(Readable row) {
        String[] stores = row.get("anchor_stores", String[].class);
        Boolean[] settled = row.get("anchor_settled", Boolean[].class);
        if (stores == null || settled == null) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (int i = 0; i < stores.length; i++) {
            if (Boolean.TRUE.equals(settled[i])) {
                out.add(stores[i]);
            }
        }
        return out;
    }

    /**
     * Rare (a device's first session), so a transaction of its own with a few statements: lock the account, find
     * the device, else take the lowest free slot within the account's limit, else the lowest non-active slot (its
     * device is removed first), else report that none is free.
     */
    @Override
    public Mono<Registration> registerDevice(long accountId, String deviceUri, int defaultMaxDevices) {
        return Connections.inTransaction(factory, c -> Sql.update(c, StoreSql.LOCK_ACCOUNT, accountId)
                .then(Sql.query(c, StoreSql.DEVICE_BY_URI, row -> DeviceRows.device(row, accountId, deviceUri, "id"),
                        accountId, deviceUri).next())
                .map(d -> (Registration) new Registration.Registered(d))
                .switchIfEmpty(Mono.defer(() -> Sql.query(c, StoreSql.SLOTS, row -> new Object[] {
                        row.get("max_devices", Integer.class), row.get("id", Long.class),
                        row.get("slot", Integer.class), row.get("active", Boolean.class)}, accountId)
                        .collectList()
                        .flatMap(rows -> takeSlot(c, accountId, deviceUri, defaultMaxDevices, rows)))));
    }

    private Mono<Registration> takeSlot(io.r2dbc.spi.Connection c, long accountId, String deviceUri,
                                        int defaultMaxDevices, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Mono.error(new IllegalStateException("no account " + accountId));
        }
        int max = rows.get(0)[0] != null ? (Integer) rows.get(0)[0] : defaultMaxDevices;
        Map<Integer, Object[]> bySlot = new HashMap<>();
        for (Object[] r : rows) {
            if (r[1] != null) {
                bySlot.put((Integer) r[2], r);
            }
        }
        Integer slot = null;
        Long evict = null;
        for (int n = 1; n <= max && slot == null; n++) {
            if (!bySlot.containsKey(n)) {
                slot = n;
            }
        }
        for (int n = 1; n <= max && slot == null; n++) {
            if (!Boolean.TRUE.equals(bySlot.get(n)[3])) {
                slot = n;
                evict = (Long) bySlot.get(n)[1];
            }
        }
        if (slot == null) {
            return Mono.just(new Registration.NoFreeSlot(max));
        }
        int taken = slot;
        Mono<Long> free = evict == null ? Mono.just(0L) : Sql.update(c, StoreSql.DELETE_DEVICE, evict, accountId)
                .then(Sql.update(c, StoreSql.PURGE_UNMAPPED_TOMBSTONES, accountId));
        return free.then(Sql.query(c, StoreSql.INSERT_DEVICE, row -> (Registration) new Registration.Registered(
                DeviceRows.device(row, accountId, deviceUri, "id")), accountId, deviceUri, taken).next());
    }

    @Override
    public Mono<String> loadDevInf(long deviceId) {
        return Connections.withConnection(factory, c -> Sql.query(c, StoreSql.LOAD_DEVINF,
                        row -> Optional.ofNullable(Sql.getText(row, "devinf")), deviceId)
                .collectList()
                .flatMap(rows -> Mono.justOrEmpty(rows.isEmpty() ? null : rows.get(0).orElse(null))));
    }

    @Override
    public Mono<Map<String, StoredAnchor>> loadAnchors(long deviceId) {
        return Connections.withConnection(factory, c -> Sql.query(c, StoreSql.LOAD_ANCHORS, row -> {
            Integer mode = row.get("resume_mode", Integer.class);
            String[] luids = row.get("resume_luids", String[].class);
            StoredAnchor.Suspended suspended = mode == null ? null : new StoredAnchor.Suspended(mode,
                    Sql.getText(row, "resume_last"), luids == null ? List.of() : List.of(luids));
            return new StoredAnchor(Sql.getText(row, "datastore"), Sql.getText(row, "client_next"),
                    Sql.getText(row, "client_prev"), Sql.getText(row, "server_next"), suspended);
        }, deviceId).collectMap(StoredAnchor::datastore, a -> a));
    }

    @Override
    public Mono<ItemFacts> lookupItems(long accountId, long deviceId, String datastore, Collection<String> luids,
                                       Collection<String> twinKeys, Map<String, String> baseHashes) {
        if (luids.isEmpty() && twinKeys.isEmpty()) {
            return Mono.just(ItemFacts.NONE);
        }
        String[] baseLuids = new String[baseHashes.size()];
        String[] hashes = new String[baseHashes.size()];
        int n = 0;
        for (Map.Entry<String, String> e : baseHashes.entrySet()) {
            baseLuids[n] = e.getKey();
            hashes[n++] = e.getValue();
        }
        return Connections.withConnection(factory, c -> Sql.query(c, StoreSql.LOOKUP_ITEMS,
                        R2dbcSyncStore::lookupRow, accountId, deviceId, datastore, luids.toArray(String[]::new),
                        twinKeys.toArray(String[]::new), baseLuids, hashes)
                .collectList()
                .map(rows -> {
                    Map<String, MappedItem> byLuid = new HashMap<>();
                    Map<String, List<TwinCandidate>> twins = new HashMap<>();
                    Map<Long, StoredItem> bases = new HashMap<>();
                    for (LookupRow r : rows) {
                        if (r.mapped() != null) {
                            byLuid.put(r.mapped().luid(), r.mapped());
                            if (r.base() != null) {
                                bases.put(r.base().itemId(), r.base());
                            }
                        } else {
                            twins.computeIfAbsent(r.twin().twinKey(), k -> new ArrayList<>()).add(r.twin());
                        }
                    }
                    twins.replaceAll((k, v) -> List.copyOf(v));
                    return new ItemFacts(byLuid, twins, bases);
                }));
    }

    /** One row of {@link StoreSql#LOOKUP_ITEMS}: a mapping found by LUID (with its merge base), or a twin candidate. */
    private record LookupRow(MappedItem mapped, StoredItem base, TwinCandidate twin) {
    }

    private static LookupRow lookupRow(Readable row) {
        String key = Sql.getText(row, "key");
        long id = Sql.getLong(row, "id");
        long seq = Sql.getLong(row, "change_seq");
        String hash = Sql.getText(row, "content_hash");
        if ("M".equals(Sql.getText(row, "kind"))) {
            java.time.OffsetDateTime updated = row.get("updated_at", java.time.OffsetDateTime.class);
            String content = Sql.getText(row, "content");
            return new LookupRow(new MappedItem(key, id, seq, Sql.getLong(row, "known_seq"),
                    Sql.getBool(row, "deleted"), hash, updated == null ? null : updated.toInstant()),
                    content == null ? null : new StoredItem(id, seq, false, Sql.getText(row, "content_type"), content),
                    null);
        }
        return new LookupRow(null, null, new TwinCandidate(key, id, seq, hash));
    }

    @Override
    public Mono<WriteResult> write(WriteBatch batch) {
        if (batch.isEmpty()) {
            return Mono.just(WriteResult.EMPTY);
        }
        return Mono.defer(() -> new BatchWriter(batch).run(factory));
    }

    /** The write and the read in one statement ({@link BatchWriter#runThenPending}). */
    @Override
    public Mono<WrittenAndPending> write(WriteBatch batch, PendingRead read) {
        if (batch.isEmpty()) {
            return SyncStore.super.write(batch, read); // nothing to write: the read alone
        }
        return Mono.defer(() -> new BatchWriter(batch).runThenPending(factory, read));
    }

    @Override
    public Mono<List<PendingChange>> pendingChanges(long accountId, long deviceId, String datastore,
                                                    ItemFilter filter, int contentBudget) {
        return Connections.withConnection(factory,
                c -> pendingChanges(c, accountId, deviceId, datastore, filter, contentBudget));
    }

    /** {@link #pendingChanges(long, long, String, ItemFilter, int)} on a given connection (tests: in a transaction). */
    Mono<List<PendingChange>> pendingChanges(io.r2dbc.spi.Connection c, long accountId, long deviceId,
                                             String datastore, ItemFilter filter, int contentBudget) {
        return PendingArgs.read(c, accountId, deviceId, new PendingRead(datastore, filter, contentBudget));
    }

    @Override
    public Mono<Map<Long, StoredItem>> loadItems(long accountId, Collection<Long> itemIds) {
        if (itemIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return Connections.withConnection(factory, c -> Sql.query(c, StoreSql.LOAD_ITEMS,
                row -> new StoredItem(Sql.getLong(row, "id"), Sql.getLong(row, "change_seq"),
                        Sql.getBool(row, "deleted"), Sql.getText(row, "content_type"), Sql.getText(row, "content")),
                accountId, itemIds.toArray(Long[]::new)).collectMap(StoredItem::itemId, i -> i));
    }

    @Override
    public Mono<String> loadChunks(long deviceId, String datastore, String luid) {
        return Connections.withConnection(factory, c -> Sql.query(c, StoreSql.LOAD_CHUNKS,
                row -> Sql.getText(row, "data"), deviceId, datastore, luid).next());
    }

    @Override
    public Mono<Long> purgeChunksBefore(java.time.Instant before) {
        return Connections.withConnection(factory, c -> Sql.update(c, StoreSql.PURGE_CHUNKS,
                java.time.OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC)));
    }
}
