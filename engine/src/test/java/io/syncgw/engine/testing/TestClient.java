package io.syncgw.engine.testing;

import io.syncgw.codec.DecodeResult;
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
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.auth.Md5Auth;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.session.Effect;
import io.syncgw.engine.session.SyncSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A SyncML client for tests, behaving like SyncEvolution: one datastore ("./contacts" → "contacts"), items kept
 * by LUID, changes tracked between sessions, anchors committed only when a session completes, MD5 or basic auth,
 * messages limited to its MaxMsgSize in both directions. Every message it sends and receives goes through the real
 * XML encoder and decoder.
 */
public final class TestClient {
    public enum Auth { BASIC, MD5, NONE }

    private static final SyncMlXmlEncoder ENCODER = new SyncMlXmlEncoder();

    public final String deviceUri;
    public String login;
    public String password;
    public Auth auth = Auth.MD5;
    public long maxMsgSize = 150_000;
    public String contentType = "text/vcard";
    public String targetUri = "contacts";
    /** The client's own name for its datastore (Alert and Sync Source). */
    public String sourceUri = "./contacts";
    /** The properties the DevInf's CTCap lists for {@link #contentType}; empty: no CTCap sent. */
    public List<String> ctCap = List.of();
    public int maxItemsPerMessage = Integer.MAX_VALUE;
    /** Items longer than this go out as large objects, one chunk per message (0: never). */
    public int chunkSize;
    /** Make the chunked objects lie about their size by this many bytes (tests of 424). */
    public long sizeLie;
    /** Stop (as if suspended by the user) after sending this many messages of package 3 (0: never). */
    public int suspendAfter;
    /** Items the server acknowledged in a session that did not complete: a resume does not send them again. */
    private final Set<String> acknowledged = new LinkedHashSet<>();
    private String suspendedLast;
    private boolean suspended;
    public SyncMlVersion version = SyncMlVersion.V1_2;
    /** Datastores alerted besides contacts (their sync is not run): e.g. "calendar". */
    public List<String> extraTargets = List.of();
    /** Send device information in package 1 (as SyncEvolution does), or wait to be asked. */
    public boolean sendDevInf = true;
    /**
     * Sync without separate initialization: a session that continues a two-way sync (the client has an anchor) sends
     * its changes with the Alert in package 1, and takes the server's Sync from the answer; package 6 is not
     * acknowledged. A two-way session without changes on either side is then two messages (SyncML Sync Protocol
     * 1.1; 3GPP TS 27.103 §5.1.1: "as few as two messages").
     */
    public boolean combinedInit;

    /** The device's data: LUID → vCard. */
    public final Map<String, String> items = new LinkedHashMap<>();
    private final Set<String> added = new LinkedHashSet<>();
    private final Set<String> modified = new LinkedHashSet<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    private String nonce = "";
    private String lastAnchor;
    private int anchorCounter;
    private int nextLuid = 1000;
    private int sessionCounter;

    public TestClient(String deviceUri, String login, String password) {
        this.deviceUri = deviceUri;
        this.login = login;
        this.password = password;
    }

    // --- local changes between sessions

    public void addLocal(String luid, String vcard) {
        items.put(luid, vcard);
        added.add(luid);
    }

    public void modifyLocal(String luid, String vcard) {
        items.put(luid, vcard);
        if (!added.contains(luid)) {
            modified.add(luid);
        }
    }

    public void deleteLocal(String luid) {
        items.remove(luid);
        if (!added.remove(luid)) {
            modified.remove(luid);
            deleted.add(luid);
        }
    }

    /** Forgets the anchors, as a device whose sync state was reset. */
    public void forgetAnchor() {
        lastAnchor = null;
    }

    // --- one session

    /** Keeps an anchor the server never saw, as a device restored from an old backup. */
    public void staleAnchor() {
        lastAnchor = "stale-" + deviceUri;
    }

    /** What one session did, seen from the client. */
    public static final class Result {
        public int alertStatus;
        public int serverMode;
        public int headerStatus;
        public boolean completed;
        public int receivedAdds;
        public int receivedReplaces;
        public int receivedDeletes;
        public final List<Integer> statusesForMyChanges = new ArrayList<>();
        public final Map<String, Integer> alertStatuses = new LinkedHashMap<>();
        public boolean devInfRequested;
        public final List<SyncMessage> replies = new ArrayList<>();
        public int messagesSent;
        public int maxReplyBytes;
        public int chunksReceived;
        public boolean suspended;
        public final List<Long> largeObjectSizes = new ArrayList<>();

        @Override
        public String toString() {
            return "Result{header=" + headerStatus + ", alert=" + alertStatus + ", mode=" + serverMode + ", completed="
                    + completed + ", received +" + receivedAdds + " ~" + receivedReplaces + " -" + receivedDeletes
                    + ", statuses=" + statusesForMyChanges + ", messages=" + messagesSent + "}";
        }
    }

    /**
     * Runs one session against the server.
     *
     * @param sessionFactory makes a new server session (the RespURI is not needed by this client: it talks to the
     *                       session object directly)
     */
    public Result sync(int mode, Function<String, SyncSession> sessionFactory) {
        return syncOver(mode, Transport.direct(sessionFactory));
    }

    /** How messages reach the server: directly to a session object, or over HTTP. */
    public interface Transport {
        /** Sends an encoded message, returns the encoded reply. */
        byte[] exchange(byte[] message);

        default void close() {
        }

        /** Straight into a new engine session, as the gateway would after decoding. */
        static Transport direct(Function<String, SyncSession> sessionFactory) {
            SyncSession session = sessionFactory.apply("http://gw/sync?s=test");
            return new Transport() {
                @Override
                public byte[] exchange(byte[] message) {
                    Effect.Reply reply = session.handle(roundTrip(message)).block(Duration.ofSeconds(30));
                    return ENCODER.encode(reply.message());
                }

                @Override
                public void close() {
                    session.close();
                }
            };
        }
    }

    /** Runs one session over {@code session}. */
    public Result syncOver(int mode, Transport session) {
        Result r = new Result();
        String sessionId = Integer.toString(++sessionCounter);
        int msgId = 1;
        String next = "A" + (++anchorCounter) + "-" + deviceUri;

        // package 1: credentials, device information, the sync alert
        List<Command> pkg1 = new ArrayList<>();
        if (sendDevInf) {
            pkg1.add(new Put("1", false, null, null, Meta.ofType("application/vnd.syncml-devinf+xml"), List.of(
                    new Item(null, Location.of(version.devInfUri()), null, null, null, new ItemData.DevInfData(devInf()),
                            false))));
        }
        pkg1.add(new Get("0", false, null, null, Meta.ofType("application/vnd.syncml-devinf+xml"),
                List.of(Item.withTarget(version.devInfUri(), null))));
        boolean resuming = suspended && mode == AlertCode.RESUME;
        String alertLast = resuming ? suspendedLast : mode == AlertCode.SLOW_SYNC ? null : lastAnchor;
        pkg1.add(new Alert("0", false, null, mode, null, List.of(new Item(Location.of(targetUri),
                Location.of(sourceUri), null, null, Meta.EMPTY.withAnchor(new Anchor(alertLast, next))
                .withMaxObjSize(4_000_000L), null, false))));
        for (String extra : extraTargets) {
            pkg1.add(new Alert("0", false, null, mode, null, List.of(new Item(Location.of(extra),
                    Location.of("./" + extra), null, null, Meta.EMPTY.withAnchor(new Anchor(null, next)), null,
                    false))));
        }
        boolean combined = combinedInit && mode == AlertCode.TWO_WAY && lastAnchor != null && !suspended;
        if (combined) {
            List<Command> changes = new ArrayList<>(changedItems());
            pkg1.add(new Sync("0", false, null, Location.of(targetUri), Location.of(sourceUri), Meta.EMPTY,
                    changes.size(), changes));
        }
        SyncMessage reply = send(session, r, header(sessionId, msgId++, true), pkg1, true);
        r.headerStatus = headerStatus(reply);
        if (!io.syncgw.codec.model.StatusCode.isSuccess(r.headerStatus)) {
            return r;
        }
        for (Command c : reply.commands()) {
            if (c instanceof Status st && st.cmd().equals("Alert")) {
                String target = st.targetRefs().isEmpty() ? "" : st.targetRefs().get(0);
                r.alertStatuses.put(target, st.code());
                if (target.equals(targetUri)) {
                    r.alertStatus = st.code();
                }
            }
            if (c instanceof Get) {
                r.devInfRequested = true;
            }
            if (c instanceof Alert a) {
                r.serverMode = a.code();
            }
        }
        if (r.serverMode == 0) {
            return r;
        }
        if (combined && reply.commands().stream().anyMatch(c -> c instanceof Sync)) {
            collectStatuses(reply, r);
            return serverPackage(session, r, reply, sessionId, msgId, next, false);
        }
        // the server did not take the changes with the Alert (508: it wants a slow sync): package 3 as usual
        boolean slow = r.serverMode == AlertCode.SLOW_SYNC || r.serverMode == AlertCode.REFRESH_FROM_CLIENT;
        boolean resumedHere = resuming && r.alertStatus == 200;
        if (!resumedHere) {
            acknowledged.clear();
        }
        if (r.serverMode == AlertCode.REFRESH_FROM_SERVER) {
            items.clear();
            added.clear();
            modified.clear();
            deleted.clear();
        }

        // package 3: my changes (all items in a slow sync), in as many messages as needed
        List<ItemCommand> changes = new ArrayList<>();
        boolean clientSends = r.serverMode != AlertCode.REFRESH_FROM_SERVER
                && r.serverMode != AlertCode.ONE_WAY_FROM_SERVER;
        if (clientSends) {
            if (slow) {
                for (var e : items.entrySet()) {
                    if (resumedHere && acknowledged.contains(e.getKey())) {
                        continue; // sent and acknowledged before the interruption
                    }
                    changes.add(new Add("0", false, null, Meta.ofType(contentType),
                            List.of(Item.withSource(e.getKey(), ItemData.text(e.getValue())))));
                }
            } else {
                changes.addAll(changedItems());
            }
        }
        changes = chunked(changes);
        List<Command> pending = statusesFor(reply, 200);
        for (Command c : reply.commands()) {
            if (c instanceof Get g) {
                pending.add(new Results("0", reply.header().msgId(), g.cmdId(), Meta.ofType(
                        "application/vnd.syncml-devinf+xml"), List.of(), List.of(), List.of(new Item(null,
                        Location.of(version.devInfUri()), null, null, null, new ItemData.DevInfData(devInf()), false))));
            }
        }
        int i = 0;
        do {
            List<Command> cmds = new ArrayList<>(pending);
            List<Command> syncCmds = new ArrayList<>();
            int n = 0;
            while (i < changes.size() && n < maxItemsPerMessage) {
                ItemCommand unit = changes.get(i++);
                syncCmds.add(unit);
                n++;
                if (unit.items().get(0).moreData()) {
                    break; // the rest of a large object goes in the next message
                }
            }
            boolean last = i >= changes.size();
            cmds.add(new Sync("0", false, null, Location.of(targetUri), Location.of(sourceUri), Meta.EMPTY,
                    changes.size(), syncCmds));
            reply = send(session, r, header(sessionId, msgId++, false), cmds, last);
            collectStatuses(reply, r);
            for (Command c : reply.commands()) {
                if (c instanceof Status st && (st.code() == 200 || st.code() == 201) && !st.sourceRefs().isEmpty()
                        && (st.cmd().equals("Add") || st.cmd().equals("Replace"))) {
                    acknowledged.add(st.sourceRefs().get(0));
                }
            }
            pending = statusesFor(reply, 200);
            if (suspendAfter > 0 && r.messagesSent - 1 >= suspendAfter && !last) {
                // the user pressed stop: the client sends nothing more; the next session resumes
                suspended = true;
                suspendedLast = alertLast;
                suspendAfter = 0;
                session.close();
                r.suspended = true;
                return r;
            }
            if (last) {
                break;
            }
        } while (true);

        return serverPackage(session, r, reply, sessionId, msgId, next, true);
    }

    /** The changes since the last completed session, as commands of a two-way Sync. */
    private List<ItemCommand> changedItems() {
        List<ItemCommand> changes = new ArrayList<>();
        for (String luid : added) {
            changes.add(new Add("0", false, null, Meta.ofType(contentType),
                    List.of(Item.withSource(luid, ItemData.text(items.get(luid))))));
        }
        for (String luid : modified) {
            changes.add(new Replace("0", false, null, Meta.ofType(contentType),
                    List.of(Item.withSource(luid, ItemData.text(items.get(luid))))));
        }
        for (String luid : deleted) {
            changes.add(new Delete("0", false, false, false, null, Meta.ofType(contentType),
                    List.of(Item.withSource(luid, null))));
        }
        return changes;
    }

    /**
     * Package 4 (the server's changes, in {@code reply} and the messages it continues in) answered by statuses and
     * Map, package 5, and package 6, acknowledged when {@code acknowledge}.
     */
    private Result serverPackage(Transport session, Result r, SyncMessage reply, String sessionId, int msgId,
                                 String next, boolean acknowledge) {
        // package 4 (server changes, possibly over several messages) answered by statuses and Map; then package 5
        while (true) {
            List<Command> out = new ArrayList<>(applyServerChanges(reply, r));
            if (reply.fin()) {
                reply = send(session, r, header(sessionId, msgId++, false), out, true);
                break;
            }
            out.add(new Alert("0", false, null, AlertCode.NEXT_MESSAGE, null, List.of()));
            reply = send(session, r, header(sessionId, msgId++, false), out, false);
            collectStatuses(reply, r);
        }
        // package 6 received: acknowledge and finish
        r.completed = reply.fin() && headerStatus(reply) == 200;
        if (acknowledge) {
            send(session, r, header(sessionId, msgId, false), statusesFor(reply, 200), true);
        }
        if (r.completed) {
            suspended = false;
            acknowledged.clear();
            lastAnchor = next;
            added.clear();
            modified.clear();
            deleted.clear();
        }
        session.close();
        return r;
    }

    /** Chunks of large objects being received, by the server's id. */
    private final Map<String, StringBuilder> incoming = new LinkedHashMap<>();

    /** Splits items longer than {@link #chunkSize} into chunks: Size on the first, MoreData on all but the last. */
    private List<ItemCommand> chunked(List<ItemCommand> in) {
        if (chunkSize <= 0) {
            return in;
        }
        List<ItemCommand> out = new ArrayList<>();
        for (ItemCommand c : in) {
            Item it = c.items().get(0);
            String text = it.text();
            if (text == null || text.length() <= chunkSize) {
                out.add(c);
                continue;
            }
            long size = text.getBytes(StandardCharsets.UTF_8).length + sizeLie;
            for (int off = 0; off < text.length(); off += chunkSize) {
                int end = Math.min(text.length(), off + chunkSize);
                Item part = new Item(it.target(), it.source(), null, null, off == 0 ? Meta.EMPTY.withSize(size) : null,
                        ItemData.text(text.substring(off, end)), end < text.length());
                out.add(c instanceof Replace ? new Replace("0", false, null, c.meta(), List.of(part))
                        : new Add("0", false, null, c.meta(), List.of(part)));
            }
        }
        return out;
    }

    private List<Command> applyServerChanges(SyncMessage reply, Result r) {
        List<Command> out = new ArrayList<>();
        out.add(headerStatusFor(reply, 200));
        List<MapItem> maps = new ArrayList<>();
        for (Command c : reply.commands()) {
            if (c instanceof Sync sync) {
                out.add(statusFor(reply, sync, 200));
                for (Command x : sync.commands()) {
                    Item it = ((ItemCommand) x).items().get(0);
                    if (it.moreData() || incoming.containsKey(it.sourceUri())) {
                        StringBuilder sb = incoming.computeIfAbsent(it.sourceUri(), k -> new StringBuilder());
                        sb.append(it.text());
                        if (it.meta() != null && it.meta().size() != null) {
                            r.largeObjectSizes.add(it.meta().size());
                        }
                        if (it.moreData()) {
                            r.chunksReceived++;
                            out.add(statusFor(reply, x, 213));
                            continue;
                        }
                        incoming.remove(it.sourceUri());
                        it = new Item(it.target(), it.source(), null, null, null, ItemData.text(sb.toString()), false);
                    }
                    if (x instanceof Add) {
                        String luid = "L" + (nextLuid++);
                        items.put(luid, it.text());
                        maps.add(new MapItem(Location.of(it.sourceUri()), Location.of(luid)));
                        r.receivedAdds++;
                        out.add(statusFor(reply, x, 201));
                    } else if (x instanceof Replace) {
                        boolean known = items.containsKey(it.targetUri());
                        if (known) {
                            items.put(it.targetUri(), it.text());
                            r.receivedReplaces++;
                        }
                        out.add(statusFor(reply, x, known ? 200 : 404));
                    } else if (x instanceof Delete) {
                        boolean known = items.remove(it.targetUri()) != null;
                        if (known) {
                            r.receivedDeletes++;
                        }
                        out.add(statusFor(reply, x, known ? 200 : 211));
                    }
                }
            } else if (!(c instanceof Status)) {
                out.add(statusFor(reply, c, 200));
            }
        }
        if (!maps.isEmpty()) {
            out.add(new MapCommand("0", Location.of(targetUri), Location.of(sourceUri), null, Meta.EMPTY, maps));
        }
        return out;
    }

    private static void collectStatuses(SyncMessage reply, Result r) {
        for (Command c : reply.commands()) {
            if (c instanceof Status st && (st.cmd().equals("Add") || st.cmd().equals("Replace")
                    || st.cmd().equals("Delete"))) {
                r.statusesForMyChanges.add(st.code());
            }
        }
    }

    private SyncHeader header(String sessionId, int msgId, boolean withCred) {
        Cred cred = null;
        if (withCred && auth == Auth.BASIC) {
            cred = new Cred(Meta.EMPTY.withType("syncml:auth-basic").withFormat("b64"), Base64.getEncoder()
                    .encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8)));
        } else if (withCred && auth == Auth.MD5) {
            cred = new Cred(Meta.EMPTY.withType("syncml:auth-md5").withFormat("b64"), version == SyncMlVersion.V1_0
                    ? Md5Auth.clientDigest10(login, password, NonceSource.bytes(nonce))
                    : Md5Auth.clientDigest(login, password, NonceSource.bytes(nonce)));
        }
        return new SyncHeader(version, sessionId, Integer.toString(msgId), Location.of("http://gw/sync"),
                new Location(deviceUri, login), null, false, cred, Meta.EMPTY.withMaxMsgSize(maxMsgSize)
                .withMaxObjSize(4_000_000L));
    }

    /** Numbers the commands, encodes, checks the size, lets the server handle it, decodes the reply. */
    private SyncMessage send(Transport session, Result r, SyncHeader h, List<Command> cmds, boolean fin) {
        List<Command> numbered = new ArrayList<>();
        int[] id = {1};
        for (Command c : cmds) {
            numbered.add(renumber(c, id));
        }
        r.messagesSent++;
        byte[] bytes = session.exchange(ENCODER.encode(new SyncMessage(h, numbered, fin)));
        r.maxReplyBytes = Math.max(r.maxReplyBytes, bytes.length);
        SyncMessage decoded = roundTrip(bytes);
        r.replies.add(decoded);
        for (Command c : decoded.commands()) {
            if (c instanceof Status st && st.cmd().equals("SyncHdr") && st.chal() != null
                    && st.chal().meta().nextNonce() != null) {
                nonce = st.chal().meta().nextNonce();
            }
        }
        return decoded;
    }

    /** Decodes a whole message; an undecodable one fails the test. */
    public static SyncMessage roundTrip(byte[] bytes) {
        SyncMlXmlDecoder d = new SyncMlXmlDecoder();
        DecodeResult res = d.feed(bytes);
        if (res instanceof DecodeResult.NeedMoreInput) {
            res = d.endOfInput();
        }
        if (!(res instanceof DecodeResult.Complete c)) {
            throw new AssertionError("undecodable message: " + res + "\n" + new String(bytes, StandardCharsets.UTF_8));
        }
        return c.message();
    }

    private static Command renumber(Command c, int[] id) {
        String cmdId = Integer.toString(id[0]++);
        if (c instanceof Status s) {
            return new Status(cmdId, s.msgRef(), s.cmdRef(), s.cmd(), s.targetRefs(), s.sourceRefs(), s.cred(),
                    s.chal(), s.code(), s.items());
        }
        if (c instanceof Sync s) {
            List<Command> inner = new ArrayList<>();
            for (Command x : s.commands()) {
                inner.add(renumber(x, id));
            }
            return new Sync(cmdId, s.noResp(), s.cred(), s.target(), s.source(), s.meta(), s.numberOfChanges(), inner);
        }
        if (c instanceof Add a) {
            return new Add(cmdId, a.noResp(), a.cred(), a.meta(), a.items());
        }
        if (c instanceof Replace a) {
            return new Replace(cmdId, a.noResp(), a.cred(), a.meta(), a.items());
        }
        if (c instanceof Delete a) {
            return new Delete(cmdId, a.noResp(), a.archive(), a.softDelete(), a.cred(), a.meta(), a.items());
        }
        if (c instanceof Alert a) {
            return new Alert(cmdId, a.noResp(), a.cred(), a.code(), a.correlator(), a.items());
        }
        if (c instanceof MapCommand m) {
            return new MapCommand(cmdId, m.target(), m.source(), m.cred(), m.meta(), m.items());
        }
        if (c instanceof Put p) {
            return new Put(cmdId, p.noResp(), p.lang(), p.cred(), p.meta(), p.items());
        }
        if (c instanceof Get g) {
            return new Get(cmdId, g.noResp(), g.lang(), g.cred(), g.meta(), g.items());
        }
        if (c instanceof Results x) {
            return new Results(cmdId, x.msgRef(), x.cmdRef(), x.meta(), x.targetRefs(), x.sourceRefs(), x.items());
        }
        throw new IllegalArgumentException("cannot renumber " + c);
    }

    private static int headerStatus(SyncMessage reply) {
        for (Command c : reply.commands()) {
            if (c instanceof Status s && s.cmd().equals("SyncHdr")) {
                return s.code();
            }
        }
        return -1;
    }

    private static Status headerStatusFor(SyncMessage reply, int code) {
        SyncHeader h = reply.header();
        return new Status("0", h.msgId(), "0", "SyncHdr", List.of(h.target().locUri()), List.of(h.source().locUri()),
                null, null, code, List.of());
    }

    private static Status statusFor(SyncMessage reply, Command c, int code) {
        return new Status("0", reply.header().msgId(), c.cmdId(), c.name(), List.of(), List.of(), null, null, code,
                List.of());
    }

    /** Statuses for every command of a reply that needs one (everything but Status), with {@code code}. */
    private static List<Command> statusesFor(SyncMessage reply, int code) {
        List<Command> out = new ArrayList<>();
        if (!reply.header().noResp()) {
            out.add(headerStatusFor(reply, code));
        }
        for (Command c : reply.commands()) {
            if (!(c instanceof Status)) {
                out.add(statusFor(reply, c, code));
            }
        }
        return out;
    }

    private DevInf devInf() {
        String verCt = switch (contentType) {
            case "text/x-vcard" -> "2.1";
            case "text/x-vcalendar" -> "1.0";
            case "text/calendar" -> "2.0";
            default -> "3.0";
        };
        ContentTypeRef pref = new ContentTypeRef(contentType, verCt);
        List<CtCap> caps = ctCap.isEmpty() ? List.of()
                : List.of(new CtCap(contentType, verCt, false, ctCap.stream()
                        .map(n -> new CtProperty(n, null, null, null, false, List.of(),
                                null, List.of())).toList()));
        DataStore ds = new DataStore(sourceUri, sourceUri.replace("./", ""), 64, pref, List.of(), pref, List.of(),
                caps, null, false, List.of("1", "2", "3", "4", "5", "6", "7"), List.of(), List.of());
        return new DevInf(version.verDtd(), "test", "TestClient", null, null, null, null, deviceUri, "phone", true,
                true, true, List.of(ds), List.of(), List.of());
    }
}
