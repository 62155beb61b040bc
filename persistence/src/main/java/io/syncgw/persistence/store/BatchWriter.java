package io.syncgw.persistence.store;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.syncgw.engine.port.DeviceBusyException;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.persistence.Connections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies one {@link WriteBatch}: one statement per kind of operation present (two for updates, and for map
 * upserts that set LUIDs), in the order of the batch's components, all in one transaction, after an advisory lock
 * on the account when items or mappings change; a batch that needs a
 * single statement runs without BEGIN/COMMIT, a statement being atomic anyway. One instance per attempt: it
 * collects the result as the statements answer.
 */
final class BatchWriter {

    private final WriteBatch b;
    private final List<Function<Connection, Mono<?>>> steps = new ArrayList<>();
    private int statements;

    private final Map<Integer, Long> insertedIds = new HashMap<>();
    private final Map<Long, Long> newSeqs = new HashMap<>();
    private final Set<Long> conflicts = new HashSet<>();

    BatchWriter(WriteBatch batch) {
        this.b = batch;
        plan();
    }

    /** Number of statements the batch takes (at most; fewer when updates all conflict). */
    int statements() {
        return statements;
    }

    Mono<WriteResult> run(ConnectionFactory factory) {
        return Connections.inTransactionIf(statements > 1, factory, c -> Flux.fromIterable(steps)
                .concatMap(step -> step.apply(c).then())
                .then(Mono.fromSupplier(() -> new WriteResult(insertedIds, newSeqs, conflicts))));
    }

    private void step(int count, Function<Connection, Mono<?>> step) {
        statements += count;
        steps.add(step);
    }

    private void plan() {
        long acc = b.accountId();
        long dev = b.deviceId();
        // Inserts alone cannot meet another session's purge; everything that purges tombstones or maps existing items
        // can (a purge must not meet another device's new mapping of the same item, which would fail on the foreign
        // key). Such batches of one account run one after the other: an advisory lock held until commit.
        boolean mayRace = !b.resets().isEmpty() || !b.updates().isEmpty() || !b.deletes().isEmpty()
                || !b.mapUpserts().isEmpty() || !b.mapRemoves().isEmpty() || !b.prunes().isEmpty()
                || !b.itemPrunes().isEmpty() || !b.unmaps().isEmpty() || !b.detaches().isEmpty();
        WriteBatch.DeviceLease lease = b.lease();
        boolean claims = lease != null && lease.kind() != WriteBatch.DeviceLease.Kind.RELEASE;
        WriteBatch.DevInfUpdate d = b.devInf();
        // a claim for no time at all by the completing batch, with nothing of the device to update: checked by the
        // anchor commit itself (an idle sync then writes in one statement, without a transaction)
        boolean claimWithAnchors = claims && lease.kind() == WriteBatch.DeviceLease.Kind.CLAIM && lease.seconds() == 0
                && b.nonce() == null && d == null && !b.anchors().isEmpty();
        if (claims && !claimWithAnchors) {
            // first: a device held by another session refuses the whole batch before anything is written
            step(1, c -> Sql.update(c, StoreSql.CLAIM_DEVICE, acc, dev, Sql.text(b.nonce()),
                    Sql.text(d == null ? null : d.xml()), Sql.text(d == null ? null : d.hash()),
                    Sql.text(d == null ? null : d.manufacturer()), Sql.text(d == null ? null : d.model()),
                    lease.key(), lease.seconds(), lease.kind() == WriteBatch.DeviceLease.Kind.TAKE_OVER)
                    .flatMap(n -> n == 0 ? Mono.error(new DeviceBusyException(dev)) : Mono.just(n)));
        }
        if (mayRace) {
            step(1, c -> Sql.query(c, StoreSql.LOCK_ACCOUNT_ITEMS, row -> 1, (int) acc).then());
        }
        if (!claims && (b.nonce() != null || d != null)) {
            step(1, c -> Sql.update(c, StoreSql.UPDATE_DEVICE, acc, dev, Sql.text(b.nonce()),
                    Sql.text(d == null ? null : d.xml()), Sql.text(d == null ? null : d.hash()),
                    Sql.text(d == null ? null : d.manufacturer()), Sql.text(d == null ? null : d.model())));
        }
        if (lease != null && lease.kind() == WriteBatch.DeviceLease.Kind.RELEASE && b.anchors().isEmpty()) {
            step(1, c -> Sql.update(c, StoreSql.RELEASE_DEVICE, acc, dev, lease.key()));
        }
        if (b.consumeNextSync()) {
            step(1, c -> Sql.update(c, StoreSql.CONSUME_NEXT_SYNC, acc, dev));
        }
        if (!b.unmaps().isEmpty()) {
            // before inserts: the LUID of a duplicated conflict moves to the new item
            Long[] ids = b.unmaps().stream().map(WriteBatch.MapRemove::itemId).toArray(Long[]::new);
            step(1, c -> Sql.update(c, StoreSql.REMOVE_MAPPINGS, acc, dev, ids));
        }
        if (!b.resets().isEmpty()) {
            step(1, c -> Sql.update(c, StoreSql.RESET, acc, dev, b.resets().toArray(String[]::new)));
        }
        if (!b.inserts().isEmpty()) {
            step(1, this::insert);
        }
        if (!b.updates().isEmpty()) {
            step(2, this::update);
        }
        if (!b.deletes().isEmpty()) {
            step(1, this::delete);
        }
        if (!b.mapUpserts().isEmpty()) {
            boolean setsLuids = b.mapUpserts().stream().anyMatch(u -> u.luid() != null);
            step(setsLuids ? 2 : 1, c -> upsertMappings(c, setsLuids));
        }
        if (!b.mapRemoves().isEmpty()) {
            Long[] ids = b.mapRemoves().stream().map(WriteBatch.MapRemove::itemId).toArray(Long[]::new);
            step(1, c -> Sql.update(c, StoreSql.REMOVE_MAPPINGS, acc, dev, ids));
        }
        if (!b.detaches().isEmpty()) {
            step(1, c -> Sql.update(c, StoreSql.DETACH_MAPPINGS, acc, dev,
                    b.detaches().stream().map(WriteBatch.MapDetach::itemId).toArray(Long[]::new),
                    b.detaches().stream().map(WriteBatch.MapDetach::knownSeq).toArray(Long[]::new)));
        }
        if (!b.prunes().isEmpty()) {
            step(1, this::pruneMappings);
        }
        if (!b.itemPrunes().isEmpty()) {
            String[] stores = b.itemPrunes().stream().map(WriteBatch.ItemPrune::datastore).toArray(String[]::new);
            step(1, c -> Sql.update(c, StoreSql.PRUNE_ITEMS, acc, dev, stores));
        }
        if (!b.chunkDiscards().isEmpty()) {
            String[] stores = b.chunkDiscards().stream().map(WriteBatch.ChunkDiscard::datastore).toArray(String[]::new);
            String[] luids = b.chunkDiscards().stream().map(WriteBatch.ChunkDiscard::luid).toArray(String[]::new);
            step(1, c -> Sql.update(c, StoreSql.DISCARD_CHUNKS, dev, stores, luids));
        }
        if (!b.chunkAppends().isEmpty()) {
            List<WriteBatch.ChunkAppend> a = b.chunkAppends();
            step(1, c -> Sql.update(c, StoreSql.APPEND_CHUNKS, dev,
                    a.stream().map(WriteBatch.ChunkAppend::datastore).toArray(String[]::new),
                    a.stream().map(WriteBatch.ChunkAppend::luid).toArray(String[]::new),
                    a.stream().map(WriteBatch.ChunkAppend::index).toArray(Integer[]::new),
                    a.stream().map(WriteBatch.ChunkAppend::data).toArray(String[]::new)));
        }
        if (!b.resumeClears().isEmpty()) {
            String[] stores = b.resumeClears().toArray(String[]::new);
            step(1, c -> Sql.update(c, StoreSql.CLEAR_CHECKPOINTS, dev, stores));
        }
        if (!b.checkpoints().isEmpty()) {
            List<WriteBatch.Checkpoint> cp = b.checkpoints();
            List<String> stores = new ArrayList<>();
            List<String> luids = new ArrayList<>();
            for (WriteBatch.Checkpoint p : cp) {
                for (String luid : p.addLuids()) {
                    stores.add(p.datastore());
                    luids.add(luid);
                }
            }
            step(1, c -> Sql.update(c, StoreSql.UPSERT_CHECKPOINTS, dev,
                    cp.stream().map(WriteBatch.Checkpoint::datastore).toArray(String[]::new),
                    cp.stream().map(WriteBatch.Checkpoint::mode).toArray(Integer[]::new),
                    cp.stream().map(WriteBatch.Checkpoint::clientLast).toArray(String[]::new),
                    stores.toArray(String[]::new), luids.toArray(String[]::new)));
        }
        if (!b.anchors().isEmpty()) {
            List<WriteBatch.AnchorCommit> a = b.anchors();
            String[] stores = a.stream().map(WriteBatch.AnchorCommit::datastore).toArray(String[]::new);
            String[] clientNext = a.stream().map(WriteBatch.AnchorCommit::clientNext).toArray(String[]::new);
            String[] serverNext = a.stream().map(WriteBatch.AnchorCommit::serverNext).toArray(String[]::new);
            if (claimWithAnchors) {
                step(1, c -> Sql.update(c, StoreSql.CLAIM_AND_COMMIT_ANCHORS, dev, stores, clientNext, serverNext,
                        lease.key(), acc)
                        .flatMap(n -> n == 0 ? Mono.error(new DeviceBusyException(dev)) : Mono.just(n)));
            } else {
                String releasing = lease != null && lease.kind() == WriteBatch.DeviceLease.Kind.RELEASE ? lease.key()
                        : null;
                step(1, c -> Sql.update(c, StoreSql.COMMIT_ANCHORS, dev, stores, clientNext, serverNext,
                        Sql.text(releasing)));
            }
        }
    }

    private Mono<?> insert(Connection c) {
        List<WriteBatch.NewItem> in = b.inserts();
        return Sql.query(c, StoreSql.INSERT_ITEMS, row -> new long[] {
                        Sql.getInt(row, "ref"), Sql.getLong(row, "id"), Sql.getLong(row, "seq")},
                        b.accountId(), b.deviceId(),
                        in.stream().map(WriteBatch.NewItem::ref).toArray(Integer[]::new),
                        in.stream().map(WriteBatch.NewItem::datastore).toArray(String[]::new),
                        in.stream().map(WriteBatch.NewItem::contentType).toArray(String[]::new),
                        in.stream().map(WriteBatch.NewItem::content).toArray(String[]::new),
                        in.stream().map(WriteBatch.NewItem::twinKey).toArray(String[]::new),
                        in.stream().map(WriteBatch.NewItem::contentHash).toArray(String[]::new),
                        in.stream().map(WriteBatch.NewItem::luid).toArray(String[]::new),
                        in.stream().map(n -> categories(n.index())).toArray(String[]::new),
                        in.stream().map(n -> instant(n.index().spanStart())).toArray(String[]::new),
                        in.stream().map(n -> instant(n.index().spanEnd())).toArray(String[]::new),
                        in.stream().map(n -> n.index().recurring()).toArray(Boolean[]::new))
                .doOnNext(r -> {
                    insertedIds.put((int) r[0], r[1]);
                    newSeqs.put(r[1], r[2]);
                })
                .then();
    }

    private Mono<?> update(Connection c) {
        List<WriteBatch.ItemUpdate> in = b.updates();
        return Sql.query(c, StoreSql.UPDATE_ITEMS, row -> new long[] {
                        Sql.getLong(row, "id"), Sql.getLong(row, "change_seq")},
                        b.accountId(), b.deviceId(),
                        in.stream().map(WriteBatch.ItemUpdate::itemId).toArray(Long[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::expectedSeq).toArray(Long[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::contentType).toArray(String[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::content).toArray(String[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::twinKey).toArray(String[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::contentHash).toArray(String[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::datastore).toArray(String[]::new),
                        in.stream().map(WriteBatch.ItemUpdate::luid).toArray(String[]::new),
                        in.stream().map(u -> categories(u.index())).toArray(String[]::new),
                        in.stream().map(u -> instant(u.index().spanStart())).toArray(String[]::new),
                        in.stream().map(u -> instant(u.index().spanEnd())).toArray(String[]::new),
                        in.stream().map(u -> u.index().recurring()).toArray(Boolean[]::new))
                .collectList()
                .flatMap(rows -> {
                    Map<Long, Long> updated = new LinkedHashMap<>();
                    rows.forEach(r -> updated.put(r[0], r[1]));
                    newSeqs.putAll(updated);
                    Map<Long, WriteBatch.ItemUpdate> byId = new LinkedHashMap<>();
                    for (WriteBatch.ItemUpdate u : in) {
                        if (!updated.containsKey(u.itemId())) {
                            conflicts.add(u.itemId());
                        }
                        byId.putIfAbsent(u.itemId(), u);
                    }
                    if (updated.isEmpty()) {
                        return Mono.empty();
                    }
                    List<Long> ids = new ArrayList<>(updated.keySet());
                    return Sql.update(c, StoreSql.MAP_UPDATED, b.deviceId(),
                            ids.toArray(Long[]::new),
                            ids.stream().map(id -> byId.get(id).datastore()).toArray(String[]::new),
                            ids.stream().map(id -> byId.get(id).luid()).toArray(String[]::new),
                            ids.stream().map(updated::get).toArray(Long[]::new));
                });
    }

    /** Categories as one text, split by the SQL at U+001F (unnest cannot take ragged arrays). */
    private static String categories(io.syncgw.engine.port.ItemIndex index) {
        return String.join("\u001f", index.categories());
    }

    private static String instant(java.time.Instant t) {
        return t == null ? null : t.toString();
    }

    private Mono<?> delete(Connection c) {
        List<WriteBatch.ItemDelete> in = b.deletes();
        return Sql.query(c, StoreSql.DELETE_ITEMS, row -> new long[] {
                        Sql.getLong(row, "id"), Sql.getLong(row, "change_seq")},
                        b.accountId(), b.deviceId(),
                        in.stream().map(WriteBatch.ItemDelete::itemId).toArray(Long[]::new),
                        in.stream().map(WriteBatch.ItemDelete::expectedSeq).toArray(Long[]::new))
                .collectList()
                .doOnNext(rows -> {
                    Set<Long> done = new HashSet<>();
                    rows.forEach(r -> {
                        done.add(r[0]);
                        newSeqs.put(r[0], r[1]);
                    });
                    in.stream().map(WriteBatch.ItemDelete::itemId).filter(id -> !done.contains(id))
                            .forEach(conflicts::add);
                });
    }

    private Mono<?> upsertMappings(Connection c, boolean setsLuids) {
        List<WriteBatch.MapUpsert> in = b.mapUpserts();
        Long[] ids = in.stream().map(WriteBatch.MapUpsert::itemId).toArray(Long[]::new);
        String[] stores = in.stream().map(WriteBatch.MapUpsert::datastore).toArray(String[]::new);
        String[] luids = in.stream().map(WriteBatch.MapUpsert::luid).toArray(String[]::new);
        Mono<Long> release = setsLuids
                ? Sql.update(c, StoreSql.RELEASE_LUIDS, b.accountId(), b.deviceId(), ids, stores, luids)
                : Mono.empty();
        return release.then(Sql.update(c, StoreSql.UPSERT_MAPPINGS, b.accountId(), b.deviceId(), ids, stores, luids,
                in.stream().map(WriteBatch.MapUpsert::knownSeq).toArray(Long[]::new)));
    }

    private Mono<?> pruneMappings(Connection c) {
        List<String> keepStores = new ArrayList<>();
        List<String> keepLuids = new ArrayList<>();
        for (WriteBatch.MappingPrune p : b.prunes()) {
            for (String luid : p.keepLuids()) {
                keepStores.add(p.datastore());
                keepLuids.add(luid);
            }
        }
        String[] pruned = b.prunes().stream().map(WriteBatch.MappingPrune::datastore).toArray(String[]::new);
        return Sql.update(c, StoreSql.PRUNE_MAPPINGS, b.accountId(), b.deviceId(),
                keepStores.toArray(String[]::new), keepLuids.toArray(String[]::new), pruned);
    }
}
