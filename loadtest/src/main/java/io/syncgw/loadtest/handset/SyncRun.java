package io.syncgw.loadtest.handset;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Cred;
import io.syncgw.codec.model.Delete;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemCommand;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.MapCommand;
import io.syncgw.codec.model.MapItem;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Replace;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.StatusCode;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.engine.auth.Md5Auth;
import io.syncgw.engine.auth.NonceSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SyncML session of a {@link Handset}, as a state machine driven from outside: {@link #request()} is the next
 * message to POST, {@link #onReply} takes the server's answer and prepares the next message, until {@link #done()}.
 * No I/O and no blocking, so a load generator can run thousands at once.
 *
 * <p>The flow (OMA-TS-DS_Protocol-V1_2 §5-§6), as SyncEvolution runs it:
 * <pre>
 *   INIT         package 1: credentials, DevInf (Put, first session), Get DevInf, an Alert per datastore
 *                (the server's package 2 followed with Alert 222 while it is not Final)
 *   CLIENT_SYNC  package 3: the changes (every item in a slow sync), over as many messages as the smaller of the
 *                two MaxMsgSizes needs; objects that fit in no message go in chunks (MoreData, Size on the first)
 *   SERVER_SYNC  package 4: the server's changes applied (chunks assembled, 213 per chunk), answered by statuses
 *                and Map, with Alert 222 while the server's package is not Final
 *   MAP          package 5 sent (Final); its answer, package 6, completes the session: anchors and changes commit
 *   ACK          one more message acknowledging package 6 (optional; the server answers it with NoResp)
 * </pre>
 * With {@link Handset#combinedInit} a two-way session sends package 3 inside package 1 and takes package 4 from the
 * answer (SyncML Sync Protocol 1.1, sync without separate initialization); when the server answers the changes with
 * 508 (it turned the sync into a slow one), they are sent again as package 3.
 * A 404 to a datastore's Alert (not served) drops that datastore from the session; a 508 (or the server's own
 * choice) turns it into a slow sync. Anything else unexpected throws {@link ProtocolException}: the session is
 * abandoned, nothing of it is committed on the handset (as a phone would retry the whole sync later).
 */
public final class SyncRun {
    /** Where the session is. */
    public enum Phase { INIT, CLIENT_SYNC, SERVER_SYNC, MAP, ACK, DONE }

    /** A message to POST to {@code url}. */
    public record Request(String url, String contentType, byte[] body, Phase phase) {
    }

    /** Bytes left free in every message for what the sizes do not count exactly. */
    private static final int MARGIN = 64;
    private static final String DEVINF_TYPE = "application/vnd.syncml-devinf+xml";

    private final Handset h;
    private final SyncMlEncoder encoder;
    private final String sessionId;
    private final Map<String, StoreRun> runs = new LinkedHashMap<>();
    private final int requestedMode;
    private String url;
    private int msgId;
    private Phase phase = Phase.INIT;
    private Request request;
    private long serverMaxMsgSize = Long.MAX_VALUE;
    private boolean authRetried;
    /** Package 1 carries the changes (sync without separate initialization). */
    private boolean combined;
    /** The server answered the changes sent with package 1 with 508: they go again as package 3. */
    private boolean combinedRefused;
    private int combinedItems;
    /** Commands this session sent that expect a status: "msgId/cmdId" -> what it was. */
    private final Map<String, Sent> awaiting = new HashMap<>();

    // what the session did, for the simulation's checks and counters
    private int exchanges;
    private long bytesOut;
    private long bytesIn;
    private boolean completed;
    private int conflicts;
    private int chunksSent;
    private int chunksReceived;
    private int itemsSent;
    private int itemsReceived;

    private record Sent(String cmd, StoreRun store, String luid, boolean chunk) {
    }

    /** The per-session state of one datastore. */
    private static final class StoreRun {
        final LocalStore store;
        final String next;
        int mode;
        boolean active = true;
        int alertStatus;
        final Deque<ItemCommand> queue = new ArrayDeque<>();
        int numberOfChanges;
        final Map<String, StringBuilder> incoming = new HashMap<>();
        final List<MapItem> maps = new ArrayList<>();

        StoreRun(LocalStore store, String next) {
            this.store = store;
            this.next = next;
        }

        boolean slow() {
            return mode == AlertCode.SLOW_SYNC || mode == AlertCode.REFRESH_FROM_CLIENT;
        }
    }

    SyncRun(Handset handset, String serverUrl, int mode) {
        this.h = handset;
        this.encoder = handset.wire.encoder();
        this.url = serverUrl;
        this.requestedMode = mode;
        this.sessionId = Integer.toString(++handset.sessions);
        String next = Integer.toString(++handset.anchorCounter);
        for (LocalStore st : handset.stores()) {
            runs.put(st.serverUri, new StoreRun(st, next));
        }
        this.request = packageOne();
    }

    /** The message to send next, or null when the session is over. */
    public Request request() {
        return phase == Phase.DONE ? null : request;
    }

    public boolean done() {
        return phase == Phase.DONE;
    }

    public Phase phase() {
        return phase;
    }

    /** True once the server's package 6 arrived: anchors and changes are committed on the handset. */
    public boolean completed() {
        return completed;
    }

    public int exchanges() {
        return exchanges;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public int conflicts() {
        return conflicts;
    }

    public int chunksSent() {
        return chunksSent;
    }

    public int chunksReceived() {
        return chunksReceived;
    }

    public int itemsSent() {
        return itemsSent;
    }

    public int itemsReceived() {
        return itemsReceived;
    }

    /** The sync mode the server chose for a datastore (0 when not served). */
    public int serverMode(String serverUri) {
        StoreRun r = runs.get(serverUri);
        return r == null || !r.active ? 0 : r.mode;
    }

    /** The status the server gave the Alert of a datastore (200, 508, 404...). */
    public int alertStatus(String serverUri) {
        StoreRun r = runs.get(serverUri);
        return r == null ? 0 : r.alertStatus;
    }

    /**
     * Takes the server's answer to {@link #request()} and prepares the next message.
     *
     * @throws ProtocolException when the answer is not what a correct server sends; the session is then over
     */
    public void onReply(int httpStatus, byte[] body) throws ProtocolException {
        if (phase == Phase.DONE) {
            throw new ProtocolException("reply after the end of the session");
        }
        exchanges++;
        bytesOut += request.body().length;
        bytesIn += body == null ? 0 : body.length;
        try {
            if (httpStatus != 200) {
                throw new ProtocolException("HTTP " + httpStatus + " in " + phase + ": "
                        + (body == null ? "" : new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)));
            }
            SyncMessage reply = WireFormat.decode(body);
            if (reply.header().respUri() != null && !reply.header().respUri().isBlank()) {
                url = reply.header().respUri();
            }
            Long max = reply.header().meta().maxMsgSize();
            if (max != null && max > 0) {
                serverMaxMsgSize = max;
            }
            switch (phase) {
                case INIT -> afterInit(reply);
                case CLIENT_SYNC -> afterClientMessage(reply);
                case SERVER_SYNC -> afterServerMessage(reply);
                case MAP -> afterMap(reply);
                case ACK -> phase = Phase.DONE;
                default -> throw new IllegalStateException(phase.toString());
            }
        } catch (ProtocolException | RuntimeException e) {
            phase = Phase.DONE;
            throw e instanceof ProtocolException p ? p : new ProtocolException("client failed on the reply: " + e);
        }
    }

    // ---------------------------------------------------------------- package 1 and 2

    private Request packageOne() {
        Msg m = new Msg(true);
        if (!h.devInfSent || h.devInfEverySession) {
            m.add(new Put(m.id(), false, null, null, Meta.ofType(DEVINF_TYPE), List.of(new Item(null,
                    Location.of(h.version.devInfUri()), null, null, null, new ItemData.DevInfData(devInf()), false))));
        }
        combined = h.combinedInit && h.devInfSent && requestedMode == AlertCode.TWO_WAY
                && runs.values().stream().allMatch(r -> r.store.lastAnchor != null);
        if (!combined) {
            m.add(new Get(m.id(), false, null, null, Meta.ofType(DEVINF_TYPE),
                    List.of(Item.withTarget(h.version.devInfUri(), null))));
        }
        for (StoreRun r : runs.values()) {
            LocalStore st = r.store;
            int mode = st.lastAnchor == null ? AlertCode.SLOW_SYNC : requestedMode;
            m.add(new Alert(m.id(), false, null, mode, null, List.of(new Item(Location.of(st.serverUri),
                    Location.of(st.localUri), null, null, Meta.EMPTY.withAnchor(new Anchor(
                    mode == AlertCode.SLOW_SYNC ? null : st.lastAnchor, r.next)).withMaxObjSize(4_000_000L), null,
                    false))), "Alert", r, null, false);
        }
        if (combined) {
            for (StoreRun r : runs.values()) {
                r.mode = requestedMode;
                r.queue.clear();
            }
            queueChanges();
            if (fitsOneMessage(m)) {
                int before = itemsSent;
                boolean fin = fillSyncs(m);
                combinedItems = itemsSent - before;
                if (!fin) {
                    throw new IllegalStateException("package 1 was measured to hold every change");
                }
                return m.build(true);
            }
            // more changes than one message holds: package 3 of its own
            combined = false;
            for (StoreRun r : runs.values()) {
                r.mode = 0;
                r.queue.clear();
            }
            m.add(new Get(m.id(), false, null, null, Meta.ofType(DEVINF_TYPE),
                    List.of(Item.withTarget(h.version.devInfUri(), null))));
        }
        return m.build(true);
    }

    /** Whether every queued change fits, whole, in what is left of {@code m}. */
    private boolean fitsOneMessage(Msg m) {
        long room = Math.min(h.maxMsgSize, serverMaxMsgSize) - encoder.envelopeSize(m.header, true) - MARGIN
                - m.size();
        for (StoreRun r : runs.values()) {
            room -= encoder.sizeOf(new Sync("99", false, null, Location.of(r.store.serverUri),
                    Location.of(r.store.localUri), Meta.EMPTY, r.queue.size(), List.of()));
            for (ItemCommand unit : r.queue) {
                room -= encoder.sizeOf(renumbered(unit, "999"));
            }
        }
        return room >= 0;
    }

    private void afterInit(SyncMessage reply) throws ProtocolException {
        Status hdr = headerStatus(reply);
        takeNonce(reply);
        if (hdr.code() == 401 || hdr.code() == 407) {
            if (authRetried || h.auth != Handset.Auth.MD5) {
                throw new ProtocolException("authentication refused: " + hdr.code());
            }
            authRetried = true; // a stale nonce: log in again with the one just received
            if (combined) {
                itemsSent -= combinedItems; // not applied: sent again
            }
            request = packageOne();
            return;
        }
        if (hdr.code() != 200 && hdr.code() != 212) {
            throw new ProtocolException("header status " + hdr.code() + " to package 1");
        }
        h.devInfSent = true;
        checkStatuses(reply);
        for (Command c : reply.commands()) {
            if (c instanceof Alert a && AlertCode.isSyncMode(a.code()) && !a.items().isEmpty()) {
                StoreRun r = byLocalUri(a.items().get(0).targetUri());
                if (r == null) {
                    throw new ProtocolException("server alerted an unknown datastore " + a.items().get(0).targetUri());
                }
                r.mode = a.code();
            }
        }
        if (combined && !combinedRefused) {
            // packages 2 and 4 in one answer: apply the server's changes, answer with statuses and Map (package 5)
            for (StoreRun r : runs.values()) {
                if (r.mode != requestedMode) {
                    throw new ProtocolException("server took the changes sent with package 1 but agreed " + r.mode);
                }
            }
            phase = Phase.SERVER_SYNC;
            applyServerMessage(reply);
            return;
        }
        if (combinedRefused) {
            itemsSent -= combinedItems; // refused: they go again in package 3
            combined = false;
        }
        List<Command> statuses = statusesFor(reply);
        if (!reply.fin()) {
            // package 2 goes on in the next message
            Msg m = new Msg(false);
            m.addAll(statuses);
            m.add(new Alert(m.id(), false, null, AlertCode.NEXT_MESSAGE, null, List.of()));
            request = m.build(false);
            return;
        }
        for (StoreRun r : runs.values()) {
            if (r.active && r.mode == 0) {
                throw new ProtocolException("no server Alert for datastore " + r.store.serverUri);
            }
        }
        startClientPackage();
        request = clientMessage(statuses);
    }

    // ---------------------------------------------------------------- package 3

    private void startClientPackage() {
        phase = Phase.CLIENT_SYNC;
        for (StoreRun r : runs.values()) {
            r.queue.clear();
        }
        queueChanges();
    }

    /** Queues each datastore's part of package 3 for the mode agreed (everything in a slow sync). */
    private void queueChanges() {
        for (StoreRun r : runs.values()) {
            if (!r.active) {
                continue;
            }
            LocalStore st = r.store;
            Meta type = Meta.ofType(st.contentType);
            if (r.mode == AlertCode.REFRESH_FROM_SERVER) {
                st.items.clear();
                st.own.clear();
                st.added.clear();
                st.modified.clear();
                st.deleted.clear();
                continue;
            }
            if (r.mode == AlertCode.ONE_WAY_FROM_SERVER) {
                continue;
            }
            if (r.slow()) {
                for (var e : st.items.entrySet()) {
                    r.queue.add(new Add("0", false, null, type, List.of(Item.withSource(e.getKey(),
                            ItemData.text(e.getValue())))));
                }
            } else {
                for (String luid : st.added) {
                    r.queue.add(new Add("0", false, null, type, List.of(Item.withSource(luid,
                            ItemData.text(st.items.get(luid))))));
                }
                for (String luid : st.modified) {
                    r.queue.add(new Replace("0", false, null, type, List.of(Item.withSource(luid,
                            ItemData.text(st.items.get(luid))))));
                }
                for (String luid : st.deleted) {
                    r.queue.add(new Delete("0", false, false, false, null, type, List.of(Item.withSource(luid,
                            null))));
                }
            }
            r.numberOfChanges = r.queue.size();
        }
    }

    /** The next message of package 3: the statuses owed, then as many changes as fit; Final when all are out. */
    private Request clientMessage(List<Command> statuses) {
        Msg m = new Msg(false);
        m.addAll(statuses);
        return m.build(fillSyncs(m));
    }

    /** Adds to {@code m} a Sync per datastore with as many queued changes as fit; true when none is left. */
    private boolean fillSyncs(Msg m) {
        long limit = Math.min(h.maxMsgSize, serverMaxMsgSize);
        long room = limit - encoder.envelopeSize(m.header, true) - MARGIN - m.size();
        boolean full = false;
        for (StoreRun r : runs.values()) {
            if (!r.active || r.mode == AlertCode.REFRESH_FROM_SERVER || r.mode == AlertCode.ONE_WAY_FROM_SERVER
                    || full) {
                continue;
            }
            String syncId = m.id();
            Sync empty = new Sync(syncId, false, null, Location.of(r.store.serverUri), Location.of(r.store.localUri),
                    Meta.EMPTY, r.numberOfChanges, List.of());
            long left = room - encoder.sizeOf(empty);
            if (left < 0) {
                m.unId();
                break;
            }
            List<Command> units = new ArrayList<>();
            List<Sent> sent = new ArrayList<>();
            while (!r.queue.isEmpty()) {
                ItemCommand unit = renumbered(r.queue.peekFirst(), m.peekId());
                long size = encoder.sizeOf(unit);
                if (size <= left) {
                    r.queue.pollFirst();
                    m.id();
                    units.add(unit);
                    Item it = unit.items().get(0);
                    sent.add(new Sent(unit.name(), r, it.sourceUri(), it.moreData()));
                    left -= size;
                    if (it.moreData()) {
                        full = true; // the rest of a large object starts the next message
                        break;
                    }
                    continue;
                }
                // an object larger than an empty message can carry goes in chunks, filling this message
                if (text(unit) != null && size > limit / 2 && left > 512) {
                    ItemCommand chunk = split(r, unit, left, m.peekId());
                    if (chunk != null) {
                        m.id();
                        units.add(chunk);
                        sent.add(new Sent(chunk.name(), r, chunk.items().get(0).sourceUri(), true));
                        chunksSent++;
                    }
                }
                full = true;
                break;
            }
            Sync sync = new Sync(syncId, false, null, Location.of(r.store.serverUri), Location.of(r.store.localUri),
                    Meta.EMPTY, r.numberOfChanges, units);
            m.add(sync, "Sync", r, null, false);
            for (int i = 0; i < units.size(); i++) {
                Sent s = sent.get(i);
                awaiting.put(m.msgId + "/" + units.get(i).cmdId(), s);
                if (!s.chunk) {
                    itemsSent++;
                }
            }
            room = left;
        }
        return runs.values().stream().allMatch(r -> r.queue.isEmpty());
    }

    private static String text(ItemCommand unit) {
        return unit.items().get(0).text();
    }

    /**
     * Cuts the first chunk off {@code unit} (the largest that fits in {@code left} bytes), puts the rest back at the
     * head of the queue, and returns the chunk; null when not even a small chunk fits.
     */
    private ItemCommand split(StoreRun r, ItemCommand unit, long left, String cmdId) {
        Item it = unit.items().get(0);
        String text = it.text();
        boolean first = !continuations.containsKey(r.store.serverUri + "/" + it.sourceUri());
        Meta itemMeta = first ? Meta.EMPTY.withSize((long) text.getBytes(StandardCharsets.UTF_8).length) : null;
        long overhead = encoder.sizeOf(withItem(unit, cmdId, new Item(it.target(), it.source(), null, null, itemMeta,
                ItemData.text(""), true)));
        int len = (int) Math.min(text.length() - 1L, left - overhead - 16);
        while (len > 64) {
            int cut = len;
            if (Character.isHighSurrogate(text.charAt(cut - 1)) || text.charAt(cut - 1) == '\r') {
                cut--;
            }
            ItemCommand chunk = withItem(unit, cmdId, new Item(it.target(), it.source(), null, null, itemMeta,
                    ItemData.text(text.substring(0, cut)), true));
            long size = encoder.sizeOf(chunk);
            if (size <= left) {
                r.queue.pollFirst();
                r.queue.addFirst(withItem(unit, "0", new Item(it.target(), it.source(), null, null, null,
                        ItemData.text(text.substring(cut)), false)));
                continuations.put(r.store.serverUri + "/" + it.sourceUri(), Boolean.TRUE);
                return chunk;
            }
            len -= (int) (size - left) + 16;
        }
        return null;
    }

    /** Objects whose first chunk went out in this session, by store and LUID: their later chunks carry no Size. */
    private final Map<String, Boolean> continuations = new HashMap<>();

    private static ItemCommand withItem(ItemCommand c, String cmdId, Item item) {
        if (c instanceof Replace) {
            return new Replace(cmdId, false, null, c.meta(), List.of(item));
        }
        return new Add(cmdId, false, null, c.meta(), List.of(item));
    }

    private static ItemCommand renumbered(ItemCommand c, String cmdId) {
        if (c instanceof Add a) {
            return new Add(cmdId, a.noResp(), a.cred(), a.meta(), a.items());
        }
        if (c instanceof Replace a) {
            return new Replace(cmdId, a.noResp(), a.cred(), a.meta(), a.items());
        }
        Delete d = (Delete) c;
        return new Delete(cmdId, d.noResp(), d.archive(), d.softDelete(), d.cred(), d.meta(), d.items());
    }

    private void afterClientMessage(SyncMessage reply) throws ProtocolException {
        checkHeader(reply);
        checkStatuses(reply);
        boolean allSent = runs.values().stream().allMatch(r -> r.queue.isEmpty());
        if (!allSent) {
            request = clientMessage(statusesFor(reply));
            return;
        }
        // the answer to the last message of package 3 starts package 4
        phase = Phase.SERVER_SYNC;
        applyServerMessage(reply);
    }

    // ---------------------------------------------------------------- packages 4, 5, 6

    private void afterServerMessage(SyncMessage reply) throws ProtocolException {
        checkHeader(reply);
        checkStatuses(reply);
        applyServerMessage(reply);
    }

    private void applyServerMessage(SyncMessage reply) throws ProtocolException {
        Msg m = new Msg(false);
        m.add(headerStatusFor(reply));
        for (Command c : reply.commands()) {
            if (c instanceof Sync sync) {
                StoreRun r = byLocalUri(sync.targetUri());
                if (r == null) {
                    throw new ProtocolException("server Sync for an unknown datastore " + sync.targetUri());
                }
                m.add(status(reply, sync, 200, List.of(), List.of()));
                for (Command x : sync.commands()) {
                    if (!(x instanceof ItemCommand ic) || ic.items().isEmpty()) {
                        throw new ProtocolException("unexpected " + x.name() + " in the server's Sync");
                    }
                    for (Item it : ic.items()) {
                        m.add(apply(reply, r, ic, it));
                    }
                }
            } else if (!(c instanceof Status)) {
                m.add(status(reply, c, 200, List.of(), List.of()));
            }
        }
        for (StoreRun r : runs.values()) {
            if (!r.maps.isEmpty()) {
                m.add(new MapCommand(m.id(), Location.of(r.store.serverUri), Location.of(r.store.localUri), null,
                        Meta.EMPTY, List.copyOf(r.maps)), "Map", r, null, false);
                r.maps.clear();
            }
        }
        if (reply.fin()) {
            phase = Phase.MAP; // package 5: the answer completes the session
            request = m.build(true);
        } else {
            m.add(new Alert(m.id(), false, null, AlertCode.NEXT_MESSAGE, null, List.of()));
            request = m.build(false);
        }
    }

    /** Applies one item of the server's Sync; returns the status for it. */
    private Status apply(SyncMessage reply, StoreRun r, ItemCommand c, Item it) throws ProtocolException {
        LocalStore st = r.store;
        String serverId = it.sourceUri();
        String luid = it.targetUri();
        String key = serverId != null ? serverId : luid;
        if (c instanceof Delete) {
            boolean known = luid != null && st.items.remove(luid) != null;
            if (known) {
                st.own.remove(luid);
                st.modified.remove(luid);
                itemsReceived++;
            }
            return status(reply, c, known ? 200 : 211, luid == null ? List.of() : List.of(luid), List.of());
        }
        String data = it.text();
        if (data == null) {
            throw new ProtocolException(c.name() + " without data from the server");
        }
        if (it.moreData() || r.incoming.containsKey(key)) {
            StringBuilder sb = r.incoming.computeIfAbsent(key, k -> new StringBuilder());
            sb.append(data);
            if (it.moreData()) {
                chunksReceived++;
                return status(reply, c, 213, refs(luid), refs(serverId));
            }
            r.incoming.remove(key);
            data = sb.toString();
        }
        itemsReceived++;
        if (c instanceof Add) {
            String newLuid = st.newLuid();
            st.items.put(newLuid, data);
            r.maps.add(new MapItem(Location.of(serverId), Location.of(newLuid)));
            return status(reply, c, 201, List.of(), refs(serverId));
        }
        boolean known = luid != null && st.items.containsKey(luid);
        if (known) {
            st.items.put(luid, data);
            return status(reply, c, 200, refs(luid), refs(serverId));
        }
        // a Replace for an item the device does not have: add it (as phones do)
        String newLuid = st.newLuid();
        st.items.put(newLuid, data);
        if (serverId != null) {
            r.maps.add(new MapItem(Location.of(serverId), Location.of(newLuid)));
        }
        return status(reply, c, 201, refs(luid), refs(serverId));
    }

    private static List<String> refs(String s) {
        return s == null ? List.of() : List.of(s);
    }

    private void afterMap(SyncMessage reply) throws ProtocolException {
        checkHeader(reply);
        checkStatuses(reply);
        if (!reply.fin()) {
            // the server has more to say (e.g. large statuses): follow it
            Msg m = new Msg(false);
            m.addAll(statusesFor(reply));
            m.add(new Alert(m.id(), false, null, AlertCode.NEXT_MESSAGE, null, List.of()));
            request = m.build(false);
            return;
        }
        complete();
        if (h.trailingAck && !reply.header().noResp()) {
            phase = Phase.ACK;
            Msg m = new Msg(false);
            m.addAll(statusesFor(reply));
            request = m.build(true);
        } else {
            phase = Phase.DONE;
        }
    }

    /** The session completed: anchors and the changes sent are committed, as the server committed them. */
    private void complete() {
        completed = true;
        for (StoreRun r : runs.values()) {
            LocalStore st = r.store;
            if (!r.active) {
                continue;
            }
            st.lastAnchor = r.next;
            if (r.mode != AlertCode.ONE_WAY_FROM_SERVER && r.mode != AlertCode.REFRESH_FROM_SERVER) {
                st.added.clear();
                st.modified.clear();
                st.deleted.clear();
            }
        }
    }

    // ---------------------------------------------------------------- statuses

    private static Status headerStatus(SyncMessage reply) throws ProtocolException {
        for (Command c : reply.commands()) {
            if (c instanceof Status s && s.cmd().equals("SyncHdr")) {
                return s;
            }
        }
        throw new ProtocolException("reply without a status for the header");
    }

    private static void checkHeader(SyncMessage reply) throws ProtocolException {
        int code = headerStatus(reply).code();
        if (code != 200 && code != 212) {
            throw new ProtocolException("header status " + code);
        }
    }

    private void takeNonce(SyncMessage reply) {
        for (Command c : reply.commands()) {
            if (c instanceof Status st && st.cmd().equals("SyncHdr") && st.chal() != null
                    && st.chal().meta().nextNonce() != null) {
                h.nonce = st.chal().meta().nextNonce();
            }
        }
    }

    /** Checks the server's statuses for what this session sent. */
    private void checkStatuses(SyncMessage reply) throws ProtocolException {
        takeNonce(reply);
        for (Command c : reply.commands()) {
            if (!(c instanceof Status st) || st.cmd().equals("SyncHdr")) {
                continue;
            }
            Sent sent = awaiting.remove(st.msgRef() + "/" + st.cmdRef());
            int code = st.code();
            if (sent == null) {
                if (code >= 300 && !(code == 404 && st.cmd().equals("Sync"))) {
                    throw new ProtocolException("status " + code + " for " + st.cmd() + " " + st.cmdRef());
                }
                continue;
            }
            if (combined && code == StatusCode.REFRESH_REQUIRED && phase == Phase.INIT
                    && !sent.cmd.equals("Alert")) {
                combinedRefused = true; // the changes sent with package 1 were not applied: package 3 sends them
                continue;
            }
            switch (sent.cmd) {
                case "Alert" -> {
                    sent.store.alertStatus = code;
                    if (code == 404) {
                        sent.store.active = false; // not served (calendar before it is): the rest syncs
                        sent.store.store.notServed = true;
                    } else if (code == 200 || code == 508) {
                        sent.store.store.notServed = false;
                    } else {
                        throw new ProtocolException("status " + code + " for the Alert of "
                                + sent.store.store.serverUri);
                    }
                }
                case "Add", "Replace" -> {
                    if (code == 419) {
                        conflicts++; // the server's version wins and comes back in package 4
                    } else if (sent.chunk ? code != 213 : code != 200 && code != 201) {
                        throw new ProtocolException("status " + code + " for " + sent.cmd + " of " + sent.luid
                                + (sent.chunk ? " (chunk)" : ""));
                    }
                }
                case "Delete" -> {
                    if (code != 200 && code != 211 && code != 404) {
                        throw new ProtocolException("status " + code + " for Delete of " + sent.luid);
                    }
                }
                default -> {
                    if (code >= 300) {
                        throw new ProtocolException("status " + code + " for " + sent.cmd);
                    }
                }
            }
        }
    }

    private static Status headerStatusFor(SyncMessage reply) {
        SyncHeader hd = reply.header();
        return new Status("0", hd.msgId(), "0", "SyncHdr", List.of(hd.target().locUri()),
                List.of(hd.source().locUri()), null, null, 200, List.of());
    }

    private static Status status(SyncMessage reply, Command c, int code, List<String> targetRefs,
                                 List<String> sourceRefs) {
        return new Status("0", reply.header().msgId(), c.cmdId(), c.name(), targetRefs, sourceRefs, null, null, code,
                List.of());
    }

    /** Statuses for everything in {@code reply} that needs one, and Results for a Get of our DevInf. */
    private List<Command> statusesFor(SyncMessage reply) {
        List<Command> out = new ArrayList<>();
        if (!reply.header().noResp()) {
            out.add(headerStatusFor(reply));
        }
        for (Command c : reply.commands()) {
            if (c instanceof Status) {
                continue;
            }
            out.add(status(reply, c, 200, List.of(), List.of()));
            if (c instanceof Get g) {
                out.add(new Results("0", reply.header().msgId(), g.cmdId(), Meta.ofType(DEVINF_TYPE), List.of(),
                        List.of(), List.of(new Item(null, Location.of(h.version.devInfUri()), null, null, null,
                        new ItemData.DevInfData(devInf()), false))));
            }
        }
        return out;
    }

    private StoreRun byLocalUri(String uri) {
        if (uri == null) {
            return null;
        }
        String u = uri.startsWith("./") ? uri.substring(2) : uri;
        for (StoreRun r : runs.values()) {
            String l = r.store.localUri.startsWith("./") ? r.store.localUri.substring(2) : r.store.localUri;
            if (l.equals(u) || r.store.serverUri.equals(u)) {
                return r;
            }
        }
        return null;
    }

    private DevInf devInf() {
        List<DataStore> stores = new ArrayList<>();
        for (LocalStore st : h.stores()) {
            ContentTypeRef pref = new ContentTypeRef(st.contentType, st.contentVersion);
            stores.add(new DataStore(st.localUri, st.serverUri, 64, pref, List.of(), pref, List.of(), List.of(), null,
                    false, List.of("1", "2", "3", "4", "5", "6", "7"), List.of(), List.of()));
        }
        return new DevInf(h.version.verDtd(), "syncgw-loadtest", "Handset", null, "1.0", "1.0", "1.0", h.deviceUri,
                "phone", true, true, true, stores, List.of(), List.of());
    }

    // ---------------------------------------------------------------- messages

    /** A message being built: numbers its commands, records what awaits a status, encodes. */
    private final class Msg {
        final String msgId;
        final SyncHeader header;
        private final List<Command> commands = new ArrayList<>();
        private int nextCmdId = 1;

        Msg(boolean withCred) {
            this.msgId = Integer.toString(++SyncRun.this.msgId);
            Cred cred = null;
            if (withCred && h.auth == Handset.Auth.BASIC) {
                cred = new Cred(Meta.EMPTY.withType("syncml:auth-basic").withFormat("b64"), Base64.getEncoder()
                        .encodeToString((h.login + ":" + h.password).getBytes(StandardCharsets.UTF_8)));
            } else if (withCred) {
                cred = new Cred(Meta.EMPTY.withType("syncml:auth-md5").withFormat("b64"),
                        Md5Auth.clientDigest(h.login, h.password, NonceSource.bytes(h.nonce)));
            }
            this.header = new SyncHeader(h.version, sessionId, msgId, Location.of(url), new Location(h.deviceUri,
                    h.login), null, false, cred, Meta.EMPTY.withMaxMsgSize(h.maxMsgSize).withMaxObjSize(4_000_000L));
        }

        String id() {
            return Integer.toString(nextCmdId++);
        }

        String peekId() {
            return Integer.toString(nextCmdId);
        }

        void unId() {
            nextCmdId--;
        }

        void add(Command c) {
            commands.add(c.cmdId().equals("0") ? renumber(c) : c);
        }

        void add(Command c, String kind, StoreRun store, String luid, boolean chunk) {
            add(c);
            awaiting.put(msgId + "/" + c.cmdId(), new Sent(kind, store, luid, chunk));
        }

        void addAll(List<Command> cs) {
            for (Command c : cs) {
                add(c);
            }
        }

        long size() {
            long n = 0;
            for (Command c : commands) {
                n += encoder.sizeOf(c);
            }
            return n;
        }

        private Command renumber(Command c) {
            String id = id();
            if (c instanceof Status s) {
                return new Status(id, s.msgRef(), s.cmdRef(), s.cmd(), s.targetRefs(), s.sourceRefs(), s.cred(),
                        s.chal(), s.code(), s.items());
            }
            if (c instanceof Results x) {
                return new Results(id, x.msgRef(), x.cmdRef(), x.meta(), x.targetRefs(), x.sourceRefs(), x.items());
            }
            throw new IllegalArgumentException("cannot renumber " + c.name());
        }

        Request build(boolean fin) {
            byte[] body = encoder.encode(new SyncMessage(header, commands, fin));
            return new Request(url, h.wire.contentType(), body, phase);
        }
    }
}
