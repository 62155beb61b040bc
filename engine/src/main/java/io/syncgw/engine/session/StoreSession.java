package io.syncgw.engine.session;

import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.sync.Datastore;
import io.syncgw.engine.sync.SyncMode;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** One datastore's part of a session: its mode, anchors, what the client sent and what the server still owes. */
final class StoreSession {
    final Datastore datastore;
    /** The client's name for its datastore (Alert Source, e.g. "./contacts"): the target of server changes. */
    final String clientUri;
    /** The client's name for the server's datastore (Alert Target, e.g. "contacts"). */
    final String serverUri;
    final SyncMode mode;
    final String clientNext;
    final String serverLast;
    final String serverNext;

    /** LUIDs the client sent in a slow sync or refresh from client (in a resumed sync, earlier sessions' too). */
    final Set<String> receivedLuids = new HashSet<>();
    /** Of those, the ones this message brought: recorded in the checkpoint with its writes. */
    final Set<String> receivedHere = new java.util.LinkedHashSet<>();
    String clientLast;
    /** Server items matched to client items in this session (a server item matches at most one client item). */
    final Set<Long> matchedItems = new HashSet<>();

    boolean pendingLoaded;
    final ArrayDeque<PendingChange> outgoing = new ArrayDeque<>();
    int numberOfChanges;
    boolean syncSent;
    boolean sentAll;
    /** False when the device's direction is from-server and its sync still sends items: they are only matched. */
    boolean appliesClientChanges = true;
    /** False when the device's direction is from-client and its sync would send it changes: it gets none. */
    boolean serverSendsChanges = true;
    /** The device's calendar window when its policy sets one (recurring items are checked against it). */
    io.syncgw.engine.port.ItemFilter window;
    /** The content type sent to the device (chosen when the first change is packed). */
    String deviceType;
    /** The content type of the last item the device sent: its format when its DevInf says nothing. */
    String receivedType;
    /** A server item larger than one message, being sent in chunks (MoreData); null when none. */
    OutgoingObject partialOut;
    /** The Alert code the client asked with. */
    int requested;
    /** For the session's log line: how the mode was agreed, the client's items accepted and the server's sent. */
    String agreement = "";
    int itemsIn;
    int itemsOut;

    /** The rest of a large object still to send. */
    static final class OutgoingObject {
        final PendingChange change;
        final String text;
        final long totalBytes;
        int offset;

        OutgoingObject(PendingChange change, String text) {
            this.change = change;
            this.text = text;
            this.totalBytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
    }

    StoreSession(Datastore datastore, String clientUri, String serverUri, SyncMode mode, String clientNext,
                 String serverLast, String serverNext) {
        this.datastore = datastore;
        this.clientUri = clientUri;
        this.serverUri = serverUri;
        this.mode = mode;
        this.clientNext = clientNext;
        this.serverLast = serverLast;
        this.serverNext = serverNext;
    }

    String id() {
        return datastore.id();
    }

    /**
     * Syncs that move whole datastores are checkpointed so that an interrupted one resumes instead of starting
     * over; a two-way sync restarts cheaply (what both sides sent is idempotent), so it is not.
     */
    boolean resumable() {
        return mode.clientSendsAll() || mode == SyncMode.REFRESH_FROM_SERVER;
    }
}
