package io.syncgw.persistence.store;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.syncgw.engine.port.DeviceBusyException;
import io.syncgw.engine.port.ItemIndex;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingRead;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.port.WrittenAndPending;
import io.syncgw.persistence.Connections;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Applies one {@link WriteBatch} in one statement: a call of the database function {@code syncgw_write_batch}
 * (migration {@code V10__write_batch.sql}), which runs, in the order of the batch's components, one statement per
 * kind of operation present, as its own transaction. A message's writes thus cost one round trip, whatever they
 * hold, instead of BEGIN, claim, lock, a statement per kind and COMMIT.
 *
 * <p>What runs is decided here and passed as flags: the claim of the device first (a device held by another session
 * refuses the whole batch before anything is written: a {@code BUSY} row, {@link DeviceBusyException}); then, when
 * the batch purges tombstones or maps existing items, a transaction-scoped advisory lock on the account: inserts
 * alone cannot meet another session's purge; everything that purges or maps can (a purge must not meet another
 * device's new mapping of the same item, which would fail on the foreign key), so such batches of one account run
 * one after the other. One instance per attempt: it collects the result from the rows.
 *
 * <p>A batch that writes only the device row (a claim, a new nonce, or the claim and anchors completing an idle
 * session) is sent as the single statement the function would run for it ({@link StoreSql#CLAIM_DEVICE},
 * {@link StoreSql#UPDATE_DEVICE}, {@link StoreSql#CLAIM_AND_COMMIT_ANCHORS}): a function call costs PostgreSQL
 * about 0.1 ms more, and these are most sessions' first write and both writes of an idle one.
 */
final class BatchWriter {

    /**
     * The function's parameters in order: name and type. A call names only those the batch needs (the others default
     * to null or false), so an idle session's write binds a handful of values, not all of them.
     */
    private static final String[][] PARAMETERS = {
        {"p_acc", "bigint"}, {"p_dev", "bigint"},
        {"p_nonce", "text"}, {"p_devinf", "text"}, {"p_devinf_hash", "text"}, {"p_manufacturer", "text"},
        {"p_model", "text"},
        {"p_claim", "text"}, {"p_lease_key", "text"}, {"p_lease_seconds", "int"}, {"p_lock_key", "int"},
        {"p_update_device", "boolean"}, {"p_consume_next_sync", "boolean"},
        {"p_unmaps", "bigint[]"}, {"p_resets", "text[]"},
        {"i_ref", "int[]"}, {"i_datastore", "text[]"}, {"i_content_type", "text[]"}, {"i_content", "text[]"},
        {"i_twin_key", "text[]"}, {"i_content_hash", "text[]"}, {"i_luid", "text[]"}, {"i_categories", "text[]"},
        {"i_span_start", "text[]"}, {"i_span_end", "text[]"}, {"i_recurring", "boolean[]"},
        {"u_item", "bigint[]"}, {"u_expected", "bigint[]"}, {"u_content_type", "text[]"}, {"u_content", "text[]"},
        {"u_twin_key", "text[]"}, {"u_content_hash", "text[]"}, {"u_datastore", "text[]"}, {"u_luid", "text[]"},
        {"u_categories", "text[]"}, {"u_span_start", "text[]"}, {"u_span_end", "text[]"},
        {"u_recurring", "boolean[]"},
        {"d_item", "bigint[]"}, {"d_expected", "bigint[]"},
        {"m_item", "bigint[]"}, {"m_datastore", "text[]"}, {"m_luid", "text[]"}, {"m_known_seq", "bigint[]"},
        {"p_map_removes", "bigint[]"},
        {"x_item", "bigint[]"}, {"x_known_seq", "bigint[]"},
        {"pr_keep_datastore", "text[]"}, {"pr_keep_luid", "text[]"}, {"pr_datastores", "text[]"},
        {"p_item_prunes", "text[]"},
        {"cd_datastore", "text[]"}, {"cd_luid", "text[]"},
        {"ca_datastore", "text[]"}, {"ca_luid", "text[]"}, {"ca_idx", "int[]"}, {"ca_data", "text[]"},
        {"p_resume_clears", "text[]"},
        {"cp_datastore", "text[]"}, {"cp_mode", "int[]"}, {"cp_client_last", "text[]"},
        {"cp_luid_datastore", "text[]"}, {"cp_luid", "text[]"},
        {"a_datastore", "text[]"}, {"a_client_next", "text[]"}, {"a_server_next", "text[]"},
        {"p_release_key", "text"},
    };

    /** The call's text per set of named parameters (a bit per parameter); batches come in a few dozen shapes. */
    private static final Map<BitSet, String> CALLS = new ConcurrentHashMap<>();
    private static final int CALLS_LIMIT = 1024;

    private final WriteBatch b;
    private final Map<Integer, Long> insertedIds = new HashMap<>();
    private final Map<Long, Long> newSeqs = new HashMap<>();
    private final Set<Long> changed = new HashSet<>();
    private boolean busy;

    BatchWriter(WriteBatch batch) {
        this.b = batch;
    }

    Mono<WriteResult> run(ConnectionFactory factory) {
        Mono<WriteResult> deviceOnly = deviceOnly(factory);
        if (deviceOnly != null) {
            return deviceOnly;
        }
        return call(factory, null).map(WrittenAndPending::result);
    }

    /**
     * The batch, then {@code read} as the device stands after it, in one statement and one transaction: the call of
     * {@code syncgw_write_batch} in a materialized WITH, then the rows of {@code syncgw_pending_changes}
     * ({@link StoreSql#PENDING_CHANGES}) unless the write was refused (busy). The read's condition on the WITH's rows
     * (no BUSY row) is a one-time filter evaluated before the read starts, so PostgreSQL runs the write first whatever
     * order it appends the rows in, and the function's statements see the batch's writes: a PL/pgSQL function takes
     * a new snapshot for each statement. The account row the batch updated stays locked until the commit, so no other
     * batch of the account commits between the write and the read (the read's mark check, V13, sees its own
     * transaction's generation). A batch that writes only the device row runs its statement and then the read's.
     */
    Mono<WrittenAndPending> runThenPending(ConnectionFactory factory, PendingRead read) {
        Mono<WriteResult> deviceOnly = deviceOnly(factory);
        if (deviceOnly != null) {
            return deviceOnly.flatMap(r -> Connections.withConnection(factory,
                            c -> PendingArgs.read(c, b.accountId(), b.deviceId(), read))
                    .map(p -> new WrittenAndPending(r, p)));
        }
        return call(factory, read);
    }

    private Mono<WrittenAndPending> call(ConnectionFactory factory, PendingRead read) {
        Object[] all = arguments();
        BitSet named = new BitSet(all.length);
        for (int i = 0; i < all.length; i++) {
            if (given(all[i])) {
                named.set(i);
            }
        }
        Object[] readArgs = read == null ? new Object[0] : PendingArgs.of(read);
        Object[] args = new Object[named.cardinality() + readArgs.length];
        int n = 0;
        for (int i = named.nextSetBit(0); i >= 0; i = named.nextSetBit(i + 1)) {
            args[n++] = all[i];
        }
        System.arraycopy(readArgs, 0, args, n, readArgs.length);
        String sql = read == null ? call(named) : callThenPending(named);
        List<PendingChange> pending = new ArrayList<>();
        return Connections.withConnection(factory, c -> Sql.query(c, sql, row -> {
                    if (read != null && Sql.getText(row, "op") != null) {
                        pending.add(PendingArgs.change(row));
                        return "P";
                    }
                    String kind = Sql.getText(row, "r_kind");
                    if ("BUSY".equals(kind)) {
                        busy = true;
                        return kind;
                    }
                    long id = Sql.getLong(row, "r_id");
                    newSeqs.put(id, Sql.getLong(row, "r_seq"));
                    if ("I".equals(kind)) {
                        insertedIds.put(Sql.getInt(row, "r_ref"), id);
                    } else {
                        changed.add(id);
                    }
                    return kind;
                }, args).then(Mono.fromSupplier(() -> new WrittenAndPending(result(), pending))));
    }

    /**
     * A batch that writes nothing but the device row (and, completing an idle session, its anchors) as the one
     * statement the function would run for it: the first message of most sessions and both writes of an idle one.
     * Null for any other batch.
     */
    private Mono<WriteResult> deviceOnly(ConnectionFactory factory) {
        boolean onlyDevice = b.resets().isEmpty() && b.inserts().isEmpty() && b.updates().isEmpty()
                && b.deletes().isEmpty() && b.mapUpserts().isEmpty() && b.mapRemoves().isEmpty()
                && b.prunes().isEmpty() && b.itemPrunes().isEmpty() && b.chunkAppends().isEmpty()
                && b.chunkDiscards().isEmpty() && b.checkpoints().isEmpty() && b.resumeClears().isEmpty()
                && b.unmaps().isEmpty() && b.detaches().isEmpty() && !b.consumeNextSync();
        if (!onlyDevice) {
            return null;
        }
        long acc = b.accountId();
        long dev = b.deviceId();
        WriteBatch.DeviceLease lease = b.lease();
        WriteBatch.DevInfUpdate d = b.devInf();
        String claim = claim();
        List<WriteBatch.AnchorCommit> anchors = b.anchors();
        Function<Connection, Mono<Long>> write;
        if ("CLAIM_RELEASE".equals(claim)) {
            write = c -> Sql.update(c, StoreSql.CLAIM_AND_COMMIT_ANCHORS, dev,
                    texts(anchors, WriteBatch.AnchorCommit::datastore),
                    texts(anchors, WriteBatch.AnchorCommit::clientNext),
                    texts(anchors, WriteBatch.AnchorCommit::serverNext), lease.key(), acc);
        } else if (claim != null && anchors.isEmpty()) {
            write = c -> Sql.update(c, StoreSql.CLAIM_DEVICE, acc, dev, Sql.text(b.nonce()),
                    Sql.text(d == null ? null : d.xml()), Sql.text(d == null ? null : d.hash()),
                    Sql.text(d == null ? null : d.manufacturer()), Sql.text(d == null ? null : d.model()),
                    lease.key(), lease.seconds(), "TAKE_OVER".equals(claim));
        } else if (lease == null && anchors.isEmpty() && (b.nonce() != null || d != null)) {
            write = c -> Sql.update(c, StoreSql.UPDATE_DEVICE, acc, dev, Sql.text(b.nonce()),
                    Sql.text(d == null ? null : d.xml()), Sql.text(d == null ? null : d.hash()),
                    Sql.text(d == null ? null : d.manufacturer()), Sql.text(d == null ? null : d.model()));
        } else {
            return null;
        }
        boolean claims = claim != null;
        return Connections.withConnection(factory, c -> write.apply(c).map(n -> {
            if (n == 0 && claims) {
                throw new DeviceBusyException(dev); // held by another session: nothing was written
            }
            return WriteResult.EMPTY;
        }));
    }

    /**
     * How the batch takes the device: "CLAIM", "TAKE_OVER" (whoever holds it), "CLAIM_RELEASE" (the completing batch
     * of a session that never held it, with nothing of the device to update: taken and let go at once, an idle sync),
     * or null (it does not claim).
     */
    private String claim() {
        WriteBatch.DeviceLease lease = b.lease();
        WriteBatch.DeviceLease.Kind kind = lease == null ? null : lease.kind();
        if (kind == null || kind == WriteBatch.DeviceLease.Kind.RELEASE) {
            return null;
        }
        if (kind == WriteBatch.DeviceLease.Kind.CLAIM && lease.seconds() == 0 && b.nonce() == null
                && b.devInf() == null && !b.anchors().isEmpty()) {
            return "CLAIM_RELEASE";
        }
        return kind == WriteBatch.DeviceLease.Kind.TAKE_OVER ? "TAKE_OVER" : "CLAIM";
    }

    /** Whether an argument differs from the parameter's default (null, an empty array, false). */
    private static boolean given(Object a) {
        return a != null && !(a instanceof Object[] array && array.length == 0) && !Boolean.FALSE.equals(a);
    }

    /** {@code select ... from syncgw_write_batch(p_acc => $1, ...)} naming the parameters of {@code named}. */
    static String call(BitSet named) {
        String cached = CALLS.get(named);
        if (cached != null) {
            return cached;
        }
        StringBuilder sql = new StringBuilder("select r_kind, r_ref, r_id, r_seq from syncgw_write_batch(");
        int n = 0;
        for (int i = named.nextSetBit(0); i >= 0; i = named.nextSetBit(i + 1)) {
            sql.append(n == 0 ? "" : ", ").append(PARAMETERS[i][0]).append(" => $").append(++n);
            if (PARAMETERS[i][1].equals("text[]")) {
                sql.append("::text[]"); // text arrays travel as array literals (Sql.arrayLiteral)
            }
        }
        String built = sql.append(')').toString();
        if (CALLS.size() < CALLS_LIMIT) {
            CALLS.putIfAbsent((BitSet) named.clone(), built);
        }
        return built;
    }

    /**
     * {@link #call(BitSet)} in a materialized WITH, followed by the pending changes of the read, whose 6 arguments
     * come after the call's: {@code $1} and {@code $2} are the account and the device (always named first).
     */
    static String callThenPending(BitSet named) {
        BitSet key = (BitSet) named.clone();
        key.set(PARAMETERS.length); // a bit past the parameters marks the statement with the read
        String cached = CALLS.get(key);
        if (cached != null) {
            return cached;
        }
        int n = named.cardinality();
        String built = "with w as materialized (" + call(named) + ")\n"
                + "select r_kind, r_ref, r_id, r_seq, null::text as op, null::bigint as id, null::text as luid,"
                + " null::bigint as change_seq, null::text as content_type, null::int as size,"
                + " null::boolean as recurring, null::text as content from w\n"
                + "union all\n"
                + "select null, null, null, null, p.op, p.id, p.luid, p.change_seq, p.content_type, p.size,"
                + " p.recurring, p.content\n"
                + "from syncgw_pending_changes($1, $2, $" + (n + 1) + "::text, $" + (n + 2) + "::text[], $" + (n + 3)
                + "::text[], $" + (n + 4) + "::timestamptz, $" + (n + 5) + "::timestamptz, $" + (n + 6) + ") p\n"
                + "where not exists (select from w where w.r_kind = 'BUSY')";
        if (CALLS.size() < CALLS_LIMIT) {
            CALLS.putIfAbsent(key, built);
        }
        return built;
    }

    private WriteResult result() {
        if (busy) {
            throw new DeviceBusyException(b.deviceId());
        }
        Set<Long> conflicts = new HashSet<>();
        b.updates().stream().map(WriteBatch.ItemUpdate::itemId).filter(id -> !changed.contains(id))
                .forEach(conflicts::add);
        b.deletes().stream().map(WriteBatch.ItemDelete::itemId).filter(id -> !changed.contains(id))
                .forEach(conflicts::add);
        return new WriteResult(insertedIds, newSeqs, conflicts);
    }

    /** Every parameter's argument, in order; null, an empty array or false where the batch has nothing. */
    Object[] arguments() {
        long acc = b.accountId();
        boolean mayRace = !b.resets().isEmpty() || !b.updates().isEmpty() || !b.deletes().isEmpty()
                || !b.mapUpserts().isEmpty() || !b.mapRemoves().isEmpty() || !b.prunes().isEmpty()
                || !b.itemPrunes().isEmpty() || !b.unmaps().isEmpty() || !b.detaches().isEmpty();
        WriteBatch.DeviceLease lease = b.lease();
        WriteBatch.DevInfUpdate d = b.devInf();
        String claim = claim();
        boolean releases = lease != null && lease.kind() == WriteBatch.DeviceLease.Kind.RELEASE;

        List<WriteBatch.NewItem> in = b.inserts();
        List<WriteBatch.ItemUpdate> up = b.updates();
        List<WriteBatch.ItemDelete> del = b.deletes();
        List<WriteBatch.MapUpsert> maps = b.mapUpserts();
        List<WriteBatch.ChunkAppend> chunks = b.chunkAppends();
        List<WriteBatch.Checkpoint> cp = b.checkpoints();
        List<WriteBatch.AnchorCommit> anchors = b.anchors();
        List<String> keepStores = new ArrayList<>();
        List<String> keepLuids = new ArrayList<>();
        for (WriteBatch.MappingPrune p : b.prunes()) {
            for (String luid : p.keepLuids()) {
                keepStores.add(p.datastore());
                keepLuids.add(luid);
            }
        }
        List<String> checkpointStores = new ArrayList<>();
        List<String> checkpointLuids = new ArrayList<>();
        for (WriteBatch.Checkpoint p : cp) {
            for (String luid : p.addLuids()) {
                checkpointStores.add(p.datastore());
                checkpointLuids.add(luid);
            }
        }
        Object[] args = {
            acc, b.deviceId(),
            b.nonce(), d == null ? null : d.xml(), d == null ? null : d.hash(),
            d == null ? null : d.manufacturer(), d == null ? null : d.model(),
            claim, lease == null ? null : lease.key(),
            lease == null ? null : (Object) lease.seconds(),
            mayRace ? (Object) (int) acc : null, // the lock key: the account id's low 32 bits
            claim == null && (b.nonce() != null || d != null), // a claim writes the nonce and DevInf itself
            b.consumeNextSync(),
            longs(b.unmaps(), WriteBatch.MapRemove::itemId),
            b.resets().toArray(String[]::new),
            in.stream().map(WriteBatch.NewItem::ref).toArray(Integer[]::new),
            texts(in, WriteBatch.NewItem::datastore), texts(in, WriteBatch.NewItem::contentType),
            texts(in, WriteBatch.NewItem::content), texts(in, WriteBatch.NewItem::twinKey),
            texts(in, WriteBatch.NewItem::contentHash), texts(in, WriteBatch.NewItem::luid),
            texts(in, n -> categories(n.index())), texts(in, n -> instant(n.index().spanStart())),
            texts(in, n -> instant(n.index().spanEnd())),
            in.stream().map(n -> n.index().recurring()).toArray(Boolean[]::new),
            longs(up, WriteBatch.ItemUpdate::itemId), longs(up, WriteBatch.ItemUpdate::expectedSeq),
            texts(up, WriteBatch.ItemUpdate::contentType), texts(up, WriteBatch.ItemUpdate::content),
            texts(up, WriteBatch.ItemUpdate::twinKey), texts(up, WriteBatch.ItemUpdate::contentHash),
            texts(up, WriteBatch.ItemUpdate::datastore), texts(up, WriteBatch.ItemUpdate::luid),
            texts(up, u -> categories(u.index())), texts(up, u -> instant(u.index().spanStart())),
            texts(up, u -> instant(u.index().spanEnd())),
            up.stream().map(u -> u.index().recurring()).toArray(Boolean[]::new),
            longs(del, WriteBatch.ItemDelete::itemId), longs(del, WriteBatch.ItemDelete::expectedSeq),
            longs(maps, WriteBatch.MapUpsert::itemId), texts(maps, WriteBatch.MapUpsert::datastore),
            texts(maps, WriteBatch.MapUpsert::luid), longs(maps, WriteBatch.MapUpsert::knownSeq),
            longs(b.mapRemoves(), WriteBatch.MapRemove::itemId),
            longs(b.detaches(), WriteBatch.MapDetach::itemId), longs(b.detaches(), WriteBatch.MapDetach::knownSeq),
            keepStores.toArray(String[]::new), keepLuids.toArray(String[]::new),
            texts(b.prunes(), WriteBatch.MappingPrune::datastore),
            texts(b.itemPrunes(), WriteBatch.ItemPrune::datastore),
            texts(b.chunkDiscards(), WriteBatch.ChunkDiscard::datastore),
            texts(b.chunkDiscards(), WriteBatch.ChunkDiscard::luid),
            texts(chunks, WriteBatch.ChunkAppend::datastore), texts(chunks, WriteBatch.ChunkAppend::luid),
            chunks.stream().map(WriteBatch.ChunkAppend::index).toArray(Integer[]::new),
            texts(chunks, WriteBatch.ChunkAppend::data),
            b.resumeClears().toArray(String[]::new),
            texts(cp, WriteBatch.Checkpoint::datastore),
            cp.stream().map(WriteBatch.Checkpoint::mode).toArray(Integer[]::new),
            texts(cp, WriteBatch.Checkpoint::clientLast),
            checkpointStores.toArray(String[]::new), checkpointLuids.toArray(String[]::new),
            texts(anchors, WriteBatch.AnchorCommit::datastore), texts(anchors, WriteBatch.AnchorCommit::clientNext),
            texts(anchors, WriteBatch.AnchorCommit::serverNext),
            releases ? lease.key() : null,
        };
        if (args.length != PARAMETERS.length) {
            throw new IllegalStateException(args.length + " arguments for " + PARAMETERS.length + " parameters");
        }
        return args;
    }

    private static <T> String[] texts(List<T> list, Function<T, String> field) {
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.apply(list.get(i));
        }
        return out;
    }

    private static <T> Long[] longs(List<T> list, Function<T, Long> field) {
        Long[] out = new Long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.apply(list.get(i));
        }
        return out;
    }

    /** Categories as one text, split by the SQL at U+001F (unnest cannot take ragged arrays). */
    private static String categories(ItemIndex index) {
        return String.join("\u001f", index.categories());
    }

    private static String instant(java.time.Instant t) {
        return t == null ? null : t.toString();
    }
}
