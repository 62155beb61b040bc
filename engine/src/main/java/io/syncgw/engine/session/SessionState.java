package io.syncgw.engine.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.engine.port.AccountCredentials;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.StoredAnchor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one SyncML session knows. Owned by exactly one {@link SyncSession}, which hands it to the
 * {@link SessionMachine} one event at a time; never shared between threads concurrently.
 */
final class SessionState {

    /** Where the session is in the package sequence of OMA-TS-DS_Protocol-V1_2 §5. */
    enum Stage {
        /** Package 1 (client initialisation) expected or in progress. */
        INIT,
        /** Package 3 (client modifications) in progress. */
        CLIENT_SYNC,
        /** Package 4 (server modifications) being sent. */
        SERVER_SYNC,
        /** Package 5 (data update status, Map) expected. */
        MAP,
        /** Package 6 sent: the sync is complete. */
        DONE,
        /** The session cannot continue. */
        FAILED
    }

    final String respUri;
    SyncMlVersion version;
    String sessionId;
    /** When the session's first message arrived (the engine's clock): the duration in its log line. */
    java.time.Instant startedAt;
    String deviceUri;
    String deviceName;
    String serverUri;
    long clientMaxMsgSize;
    Long clientMaxObjSize;
    Stage stage = Stage.INIT;

    AccountCredentials account;
    DeviceRecord device;
    boolean authenticated;
    int authFailures;

    DevInf clientDevInf;
    boolean devInfLoadTried;
    boolean devInfRequested;
    Map<String, StoredAnchor> anchors;
    final LinkedHashMap<String, StoreSession> stores = new LinkedHashMap<>();

    int nextMsgId = 1;
    final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    /** Server changes awaiting the client's Status, keyed "msgId/cmdId". */
    final Map<String, Sent> awaiting = new HashMap<>();
    /** Server Adds sent this session, by item id: what a Map refers to. */
    final Map<Long, Sent> sentItems = new HashMap<>();
    /** Chunks of large objects being assembled, keyed "datastore/luid". */
    final Map<String, PartialItem> partials = new HashMap<>();

    /** Written by the actor, read by the transport to route a resent first message (hence volatile). */
    volatile SyncMessage lastRequest;
    SyncMessage lastReply;
    io.syncgw.engine.session.Effect.Outcome lastOutcome;

    Work work;

    /** This session holds its device (claimed with its first authenticated message); when last claimed/renewed. */
    boolean leaseHeld;
    /** The client resumes a session (Alert 225): its claim takes the device over, the earlier session being over. */
    boolean resuming;
    java.time.Instant leaseAt;

    /**
     * Unique per session, the key of its device lease: a random part (ThreadLocalRandom: sessions start on event
     * loops, where a SecureRandom must not block on the entropy device) and a counter, since the RespURI alone is
     * not unique where a caller reuses one.
     */
    final String key = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "-"
            + KEYS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicLong KEYS = new java.util.concurrent.atomic.AtomicLong();

    SessionState(String respUri) {
        this.respUri = respUri;
    }

    /**
     * A large object arriving in chunks (MoreData). Its data is spooled to the store chunk by chunk; only these
     * counters stay in memory.
     */
    static final class PartialItem {
        final String datastore;
        final String luid;
        final String cmd;
        final String type;
        final Long declaredSize;
        long bytes;
        long lineFeeds;
        /** Chunks already written to the store by earlier messages. */
        int chunksStored;
        /** Chunks of this message, written with its batch. */
        int chunksHere;

        PartialItem(String datastore, String luid, String cmd, String type, Long declaredSize) {
            this.datastore = datastore;
            this.luid = luid;
            this.cmd = cmd;
            this.type = type;
            this.declaredSize = declaredSize;
        }
    }
}
