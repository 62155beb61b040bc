package io.syncgw.engine.session;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Atomic;
import io.syncgw.codec.model.Chal;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.CommandVisitor;
import io.syncgw.codec.model.Copy;
import io.syncgw.codec.model.Delete;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemCommand;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.MapCommand;
import io.syncgw.codec.model.MapItem;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Move;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Replace;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Sequence;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.StatusCode;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.UnknownCommand;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.xml.DevInfXml;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.engine.auth.Credentials;
import io.syncgw.engine.auth.Md5Auth;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.devinf.DevicePreferences;
import io.syncgw.engine.devinf.ServerDevInf;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.MappedItem;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.StoreUnavailableException;
import io.syncgw.engine.port.StoredAnchor;
import io.syncgw.engine.port.StoredItem;
import io.syncgw.engine.port.TwinCandidate;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.session.Effect.Outcome;
import io.syncgw.engine.session.SessionState.Stage;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.engine.sync.ItemContent;
import io.syncgw.engine.sync.ItemContents;
import io.syncgw.engine.sync.ContentHash;
import io.syncgw.engine.sync.Datastore;
import io.syncgw.engine.sync.DeviceModes;
import io.syncgw.engine.sync.Negotiation;
import io.syncgw.engine.sync.SyncMode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SyncML server side of OMA-TS-DS_Protocol-V1_2 as a deterministic state machine: given a session's state and
 * an event (a client message, or the outcome of a store operation), it updates the state and returns the one effect
 * to run next, ending with a {@link Effect.Reply}. It does no I/O and keeps no state of its own: the same events give
 * the same effects, which is how it is tested (scripted conversations and recorded traces).
 *
 * <p>Per message the steps are: authenticate (account lookup, password or digest check, device registration); load
 * what the commands need (anchors for Alerts, item facts for each Sync); decide every command (statuses, writes);
 * write everything in one batch; when the client's modifications are complete, load what the server owes; pack as
 * much as fits the client's MaxMsgSize into the reply, the rest into later messages.
 */
public final class SessionMachine {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMachine.class);
    private static final DateTimeFormatter ANCHOR_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The DevInf content type of this machine's encoding (DevInf §6: WBXML sessions carry WBXML DevInf). */
    private final String devInfType;
    /** Bytes kept free in every reply, for what the encoder's exact sizes cannot foresee (none known). */
    private static final int SIZE_MARGIN = 32;
    private static final int STATUS_NOT_RESUMABLE = 509;

    private final EngineConfig config;
    private final SyncMlEncoder encoder;
    private final NonceSource nonces;
    private final ItemContents contents;
    private final CredentialCipher credentials;
    /**
     * Encoded size of a Results carrying the server's shared device information ({@link ServerDevInf#of}), by
     * instance: the same for every session but for the digits of its references. Bounded like that cache.
     */
    private final java.util.Map<DevInf, Integer> devInfSizes = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());
    /**
     * Devices' stored DevInf by its hash (the device row carries the hash): phones of one model and firmware send the
     * same document, so a node reads and parses each only once instead of once per session. Bounded; once full, the
     * rest are read each time.
     */
    private final java.util.Map<String, DevInf> devInfByHash = new java.util.concurrent.ConcurrentHashMap<>();
    /** Entries of each of the two DevInf caches above. */
    private static final int DEVINF_CACHE_LIMIT = 512;

    /**
     * @param credentials opens sealed passwords for the SyncML 1.0 MD5 digest; null when no key is configured
     */
    public SessionMachine(EngineConfig config, SyncMlEncoder encoder, NonceSource nonces, ItemContents contents,
                          CredentialCipher credentials) {
        this.config = config;
        this.encoder = encoder;
        this.devInfType = encoder.contentType().endsWith("wbxml") ? "application/vnd.syncml-devinf+wbxml"
                : "application/vnd.syncml-devinf+xml";
        this.nonces = nonces;
        this.contents = contents;
        this.credentials = credentials;
    }

    /** The settings this machine runs with. */
    public EngineConfig config() {
        return config;
    }

    // ------------------------------------------------------------------------------------------------------------
    // entry points

    /** A client message arrived. */
    Effect onMessage(SessionState s, SyncMessage msg) {
        SyncHeader h = msg.header();
        if (msg.equals(s.lastRequest) && s.lastReply != null) {
            // a resent message (the client missed our reply): replay, never apply twice
            LOG.info("session {}: message {} resent, replaying the reply", s.sessionId, h.msgId());
            return new Effect.Reply(s.lastReply, s.lastOutcome);
        }
        if (s.sessionId == null) {
            s.version = h.version();
            s.sessionId = h.sessionId();
            s.startedAt = config.clock().instant();
            s.deviceUri = h.source().locUri();
            s.deviceName = h.source().locName();
            s.serverUri = h.target().locUri();
            s.clientMaxMsgSize = config.defaultClientMaxMsgSize();
        } else if (!h.source().locUri().equals(s.deviceUri) || h.version() != s.version
                || !h.sessionId().equals(s.sessionId)) {
            // a message of another device or session must not touch this one
            LOG.warn("session {}: message from device '{}' session '{}' does not belong here; refused",
                    s.sessionId, h.source().locUri(), h.sessionId());
            return new Effect.Reply(errorReply(s, msg, StatusCode.FORBIDDEN), Outcome.FAILED, new MessageReport(
                    StatusCode.FORBIDDEN, MessageReport.Failure.FOREIGN_MESSAGE, java.util.Map.of(), 0, null, false));
        }
        if (h.meta().maxMsgSize() != null && h.meta().maxMsgSize() > 0) {
            s.clientMaxMsgSize = h.meta().maxMsgSize();
        }
        if (h.meta().maxObjSize() != null && h.meta().maxObjSize() > 0) {
            s.clientMaxObjSize = h.meta().maxObjSize();
        }
        s.work = new Work(msg);
        if (s.stage == Stage.FAILED) {
            return finish(s, errorReply(s, msg, StatusCode.COMMAND_FAILED), Outcome.FAILED);
        }
        if (!s.authenticated) {
            return authenticate(s);
        }
        s.work.authDone = true;
        s.work.batch = new BatchBuilder(s.account.accountId(), s.device.id());
        s.outbox.addFirst(headerStatus(msg, StatusCode.OK, null));
        return advance(s);
    }

    /** The outcome of the last effect. */
    Effect onEvent(SessionState s, Event e) {
        Work w = s.work;
        if (e instanceof Event.StoreFailed f) {
            return storeFailed(s, f.cause());
        }
        if (e instanceof Event.AccountLookedUp a) {
            s.account = a.lookup().account();
            s.device = a.lookup().device();
            w.nonceRotated = a.lookup().nonceRotated();
            w.settled = a.lookup().settled();
            if (s.anchors == null) {
                s.anchors = a.lookup().anchors(); // read with the lookup, or null: LoadAnchors when a sync needs them
            }
            return checkCredentials(s);
        }
        if (e instanceof Event.PasswordChecked p) {
            return p.valid() ? authSucceeded(s) : authFailed(s, StatusCode.INVALID_CREDENTIALS, "wrong password");
        }
        if (e instanceof Event.DeviceRegistered d) {
            if (d.registration() instanceof Registration.Registered r) {
                s.device = r.device();
                return authenticated(s);
            }
            int max = ((Registration.NoFreeSlot) d.registration()).maxDevices();
            return deviceRefused(s, MessageReport.Failure.NO_FREE_SLOT, "all " + max + " device slots of account '"
                    + s.account.login() + "' are in use: free a slot or make a device non-active to sync this one");
        }
        if (e instanceof Event.AnchorsLoaded a) {
            s.anchors = a.anchors();
            return advance(s);
        }
        if (e instanceof Event.DevInfLoaded d) {
            s.devInfLoadTried = true;
            s.clientDevInf = DevInfXml.read(d.xml()).orElse(null);
            if (s.clientDevInf != null && d.xml() != null) {
                cacheDevInf(ContentHash.of(d.xml()), s.clientDevInf);
            }
            return advance(s);
        }
        if (e instanceof Event.ItemsLookedUp l) {
            w.facts.put(l.datastore(), l.facts());
            return advance(s);
        }
        if (e instanceof Event.Written wr) {
            w.written = true;
            if (w.batch.lease != null) {
                s.leaseHeld = w.batch.lease.kind() != WriteBatch.DeviceLease.Kind.RELEASE
                        && w.batch.lease.seconds() > 0;
                s.leaseAt = config.clock().instant();
            }
            applyWriteResult(s, w, wr.result());
            for (SessionState.PartialItem p : s.partials.values()) {
                p.chunksStored += p.chunksHere; // spooled now: a later message loads them
                p.chunksHere = 0;
            }
            if (wr.pending() != null) {
                pendingLoaded(s, wr.pending());
            }
            return advance(s);
        }
        if (e instanceof Event.PendingLoaded p) {
            pendingLoaded(s, p);
            return advance(s);
        }
        if (e instanceof Event.ItemsLoaded l) {
            if (w.loadingMergeBases) {
                w.loadingMergeBases = false;
                Map<Long, StoredItem> bases = new HashMap<>(w.basesRead);
                bases.putAll(l.items());
                w.mergeBases = bases;
                return advance(s);
            }
            w.contents = l.items();
            return advance(s);
        }
        if (e instanceof Event.ChunksLoaded c) {
            w.spooled.put(c.datastore() + "/" + c.luid(), c.data());
            return advance(s);
        }
        throw new IllegalStateException("unexpected event " + e.getClass().getSimpleName());
    }

    /** The changes a datastore's device is owed go out; the contents read with them serve this message. */
    private static void pendingLoaded(SessionState s, Event.PendingLoaded p) {
        Work w = s.work;
        StoreSession st = s.stores.get(p.datastore());
        st.pendingLoaded = true;
        for (PendingChange c : p.changes()) {
            if (c.content() != null) {
                // for this message only: a later one loads what it sends afresh
                w.prefetched.put(c.itemId(), new StoredItem(c.itemId(), c.changeSeq(), false, c.contentType(),
                        c.content()));
            }
            st.outgoing.add(c.withoutContent());
        }
        st.numberOfChanges = p.changes().size();
    }

    // ------------------------------------------------------------------------------------------------------------
    // authentication (OMA-TS-DS_Protocol-V1_2 §8.2)

    private Effect authenticate(SessionState s) {
        Work w = s.work;
        SyncHeader h = w.msg.header();
        w.credentials = Credentials.parse(h.cred(), h.source().locName());
        if (w.credentials instanceof Credentials.Unusable u) {
            return authFailed(s, h.cred() == null ? StatusCode.MISSING_CREDENTIALS : StatusCode.INVALID_CREDENTIALS,
                    u.reason());
        }
        if (w.credentials instanceof Credentials.Md5 md5 && s.version != SyncMlVersion.V1_0) {
            // the device's next nonce goes with the lookup, which stores it if the digest is right: no write of its
            // own (a SyncML 1.0 digest needs the sealed password: checked here only, the nonce written after)
            w.nextNonce = nonces.fresh();
            return new Effect.LookupAccount(md5.login(), s.deviceUri, w.nextNonce, md5.digest(), carriesSync(w.msg));
        }
        String login = w.credentials instanceof Credentials.Basic b ? b.login() : ((Credentials.Md5) w.credentials).login();
        return new Effect.LookupAccount(login, s.deviceUri, null, null, carriesSync(w.msg));
    }

    private Effect checkCredentials(SessionState s) {
        Work w = s.work;
        if (s.account == null) {
            return authFailed(s, StatusCode.INVALID_CREDENTIALS, "unknown login");
        }
        if (w.credentials instanceof Credentials.Basic b) {
            return new Effect.CheckPassword(b.password(), s.account.passwordHash());
        }
        Credentials.Md5 md5 = (Credentials.Md5) w.credentials;
        if (s.account.md5Digest() == null) {
            return authFailed(s, StatusCode.INVALID_CREDENTIALS, "MD5 authentication not enabled for the account");
        }
        List<String> candidates = new ArrayList<>(2);
        if (s.device != null && s.device.nonce() != null) {
            candidates.add(s.device.nonce());
        } else {
            // a device not seen before: its first message carries no nonce, or the one our challenge derived
            candidates.add("");
            candidates.add(nonces.forUnregistered(s.deviceUri));
        }
        if (s.version == SyncMlVersion.V1_0) {
            // SyncML 1.0 digests MD5(login:password:nonce): only the sealed password can check them
            String password = credentials == null ? null
                    : credentials.open(s.account.sealedPassword()).orElse(null);
            if (password == null) {
                return authFailed(s, StatusCode.INVALID_CREDENTIALS,
                        "SyncML 1.0 MD5 needs the account's sealed password (set the password again with the "
                                + "gateway's credential key)");
            }
            for (String n : candidates) {
                if (Md5Auth.verify10(md5.login(), password, n, md5.digest())) {
                    return authSucceeded(s);
                }
            }
            return authFailed(s, StatusCode.INVALID_CREDENTIALS, "wrong MD5 digest (SyncML 1.0)");
        }
        for (String n : candidates) {
            if (Md5Auth.verify(s.account.md5Digest(), NonceSource.bytes(n), md5.digest())) {
                return authSucceeded(s);
            }
        }
        return authFailed(s, StatusCode.INVALID_CREDENTIALS, "wrong MD5 digest");
    }

    private Effect authSucceeded(SessionState s) {
        if (s.device == null) {
            return new Effect.RegisterDevice(s.account.accountId(), s.deviceUri, config.maxDevices());
        }
        if (!s.device.policy().active()) {
            return deviceRefused(s, MessageReport.Failure.DEVICE_INACTIVE, "this device (slot " + s.device.slot()
                    + " of account '" + s.account.login() + "') is set to non-active: make it active to sync");
        }
        return authenticated(s);
    }

    /**
     * The credentials are right but the device may not sync (no free slot, or its slot is non-active): 403 for the
     * header, with the reason as text the phone can show (RepPro §5.1.? Status Item Data), and for every command;
     * nothing of the message is applied and the session ends.
     */
    private Effect deviceRefused(SessionState s, MessageReport.Failure failure, String message) {
        return deviceRefusedWith(s, StatusCode.FORBIDDEN, failure, message);
    }

    private Effect deviceRefusedWith(SessionState s, int code, MessageReport.Failure failure, String message) {
        Work w = s.work;
        LOG.warn("session {}: device '{}' refused: {}", s.sessionId, s.deviceUri, message);
        List<Outgoing> out = new ArrayList<>();
        StatusDraft hdr = headerStatus(w.msg, code, null);
        hdr.items = List.of(new Item(null, null, null, null, null, ItemData.text(message), false));
        out.add(hdr);
        for (Command c : w.msg.commands()) {
            if (!(c instanceof Status)) {
                out.add(status(w.msg, c, List.of(), List.of(), code));
            }
        }
        s.outbox.clear();
        s.stage = Stage.FAILED;
        w.report.failure = failure;
        SyncMessage reply = new SyncMessage(replyHeader(s), buildAll(out), true);
        return finish(s, reply, Outcome.FAILED);
    }

    private Effect authenticated(SessionState s) {
        Work w = s.work;
        s.authenticated = true;
        w.authDone = true;
        w.batch = new BatchBuilder(s.account.accountId(), s.device.id());
        Chal chal = null;
        if (s.account.md5Digest() != null) {
            String next;
            if (w.nonceRotated) {
                next = w.nextNonce; // stored by the lookup: this login used up the one before
            } else if (w.credentials instanceof Credentials.Basic && s.device.nonce() != null) {
                next = s.device.nonce(); // no digest was made with it: still unused, offered again
            } else {
                // a fresh nonce for the next session, stored with this message's writes (a device registered just
                // now, a SyncML 1.0 digest)
                next = nonces.fresh();
                w.batch.nonce = next;
            }
            chal = md5Chal(next);
        }
        s.outbox.addFirst(headerStatus(w.msg, StatusCode.AUTHENTICATION_ACCEPTED, chal));
        // one line per session at INFO, when it ends (completeLine); expired and failed sessions are logged where
        // they end
        LOG.debug("session {}: account '{}' device '{}' (slot {}) authenticated", s.sessionId, s.account.login(),
                s.deviceUri, s.device.slot());
        return advance(s);
    }

    private Effect authFailed(SessionState s, int code, String reason) {
        Work w = s.work;
        s.authFailures++;
        // the nonce the device must use next: the one the lookup stored, else the stored one (or, for a device not
        // registered, the one derived for it)
        String nonce = w.nonceRotated ? w.nextNonce
                : s.device != null && s.device.nonce() != null ? s.device.nonce()
                : nonces.forUnregistered(s.deviceUri);
        LOG.warn("session {}: authentication of device '{}' failed ({}): {}", s.sessionId, s.deviceUri, code, reason);
        List<Outgoing> out = new ArrayList<>();
        out.add(headerStatus(w.msg, code, md5Chal(nonce)));
        for (Command c : w.msg.commands()) {
            if (!(c instanceof Status)) {
                out.add(status(w.msg, c, List.of(), List.of(), code));
            }
        }
        s.account = null;
        s.device = null;
        s.anchors = null; // the next attempt may name another account
        s.outbox.clear();
        if (s.authFailures >= config.maxAuthAttempts()) {
            s.stage = Stage.FAILED;
        }
        SyncMessage reply = new SyncMessage(replyHeader(s), buildAll(out), true);
        return finish(s, reply, Outcome.AUTH_FAILED);
    }

    private static Chal md5Chal(String nonce) {
        return new Chal(Meta.EMPTY.withType(Credentials.AUTH_MD5).withFormat("b64").withNextNonce(nonce));
    }

    // ------------------------------------------------------------------------------------------------------------
    // the per-message pipeline

    /**
     * At most this many characters of content are read with the list of pending changes (the client's MaxMsgSize
     * bounds it first): a large MaxMsgSize must not pull a whole address book into a session's memory.
     */
    static final int MAX_PREFETCH_CHARS = 256 * 1024;

    private Effect advance(SessionState s) {
        Work w = s.work;
        if (s.anchors == null && hasSyncAlert(w.msg)) {
            return new Effect.LoadAnchors(s.device.id());
        }
        if (!w.alertsHandled && s.stage == Stage.INIT && carriesSync(w.msg)) {
            // Sync without separate initialization (package 1 with the client's modifications, SyncML Sync Protocol
            // 1.1; as few as two messages for a sync without changes): the Alerts set up the datastores' sessions
            // first, so that the item facts are looked up for the modes agreed
            for (Command c : w.msg.commands()) {
                if (c instanceof Alert a) {
                    handleAlert(s, a);
                }
            }
            w.alertsHandled = true;
            w.refusesSyncs = s.stores.values().stream().anyMatch(st -> st.mode.clientSendsAll()
                    && st.requested != AlertCode.SLOW_SYNC && st.requested != AlertCode.REFRESH_FROM_CLIENT);
            if (w.refusesSyncs) {
                LOG.info("session {}: changes sent with the Alert refused (508): the server needs a slow sync, the "
                        + "device is to send everything as package 3", s.sessionId);
            }
        }
        Effect lookup = nextLookup(s);
        if (lookup != null) {
            return lookup;
        }
        if (!w.processed) {
            Effect bases = mergeBaseLookup(s);
            if (bases != null) {
                return bases;
            }
            w.processed = true;
            processCommands(s);
        }
        if (!w.written && w.batch.lease == null) {
            w.batch.lease = lease(s, w.batch);
        }
        if (!w.written && !w.batch.isEmpty()) {
            // the first pending-changes read that follows comes with the write, in the same round trip
            return new Effect.Write(w.batch.build(), s.stage == Stage.SERVER_SYNC ? nextPendingLoad(s) : null);
        }
        w.written = true;
        if (s.stage == Stage.SERVER_SYNC) {
            Effect.LoadPending load = nextPendingLoad(s);
            if (load != null) {
                return load;
            }
            if (s.stores.values().stream().anyMatch(st -> !st.outgoing.isEmpty() || st.partialOut != null)
                    && needsStoredDevInf(s)) {
                // the stored DevInf says which format and properties the device takes: needed only to send it
                // something (an idle session does without the read)
                return new Effect.LoadDevInf(s.device.id());
            }
            if (w.chosen == null) {
                w.chosen = chooseChanges(s);
                if (!w.chosen.isEmpty()) {
                    List<Long> ids = w.chosen.stream().filter(c -> !removesFromDevice(c))
                            .map(PendingChange::itemId).toList();
                    if (!w.prefetched.keySet().containsAll(ids)) {
                        return new Effect.LoadItems(s.account.accountId(), ids);
                    }
                    Map<Long, StoredItem> contents = new HashMap<>();
                    ids.forEach(id -> contents.put(id, w.prefetched.get(id)));
                    w.contents = contents;
                }
            }
        }
        return pack(s);
    }

    /**
     * The read of what the device is owed for the next datastore that sends changes and has not read it yet; null when
     * none is left (a datastore the server sends nothing to, one-way from the client, is marked as read: the server
     * sends an empty Sync).
     */
    private Effect.LoadPending nextPendingLoad(SessionState s) {
        for (StoreSession st : s.stores.values()) {
            if (!st.pendingLoaded) {
                if (st.mode.serverSends() && st.serverSendsChanges) {
                    ItemFilter filter = filterFor(s.device.policy(), st.datastore);
                    st.window = filter.from() == null && filter.to() == null ? null : filter;
                    if (owedNothing(s, st, filter)) {
                        st.pendingLoaded = true; // an empty Sync goes out
                        continue;
                    }
                    // the contents the first message can hold come with the list (what chooseChanges takes)
                    int contentBudget = (int) Math.min(Math.max(s.clientMaxMsgSize, 0), MAX_PREFETCH_CHARS);
                    return new Effect.LoadPending(s.account.accountId(), s.device.id(), st.id(), filter,
                            contentBudget);
                }
                st.pendingLoaded = true;
            }
        }
        return null;
    }

    /**
     * The account lookup of this message already found the device owed nothing of the datastore (an idle phone whose
     * Sync came with its Alert: SyncML Sync Protocol 1.1 sync without separate initialization), and nothing since can
     * change that but other devices' writes, which the next session sends: the read is skipped. Only for the
     * unfiltered read the lookup answered, and only when this message writes no item or mapping of the device (its
     * own writes may make items owed: a conflict the server won, a refused Add) and the sync sends changes, not a
     * whole datastore.
     */
    private static boolean owedNothing(SessionState s, StoreSession st, ItemFilter filter) {
        return s.work.settled.contains(st.id()) && filter.isNone()
                && (st.mode == SyncMode.TWO_WAY || st.mode == SyncMode.ONE_WAY_FROM_SERVER)
                && !s.work.batch.writesItemsOrMappings();
    }

    /**
     * A message with a Sync is the only kind whose lookup's word on what the device is owed serves (owedNothing): a
     * package 1 whose changes come with its Alerts.
     */
    private static boolean carriesSync(SyncMessage msg) {
        return msg.commands().stream().anyMatch(c -> c instanceof Sync);
    }

    private static boolean hasResume(SyncMessage msg) {
        for (Command c : msg.commands()) {
            if (c instanceof Alert a && a.code() == AlertCode.RESUME) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasSyncAlert(SyncMessage msg) {
        for (Command c : msg.commands()) {
            if (c instanceof Alert a && (AlertCode.isSyncMode(a.code()) || a.code() == AlertCode.RESUME)) {
                return true;
            }
        }
        return false;
    }

    /** The next datastore whose item facts this message needs, as an effect; null when all are loaded. */
    private Effect nextLookup(SessionState s) {
        Work w = s.work;
        for (Command c : w.msg.commands()) {
            if (!(c instanceof Sync sync) || w.refusesSyncs) {
                continue;
            }
            StoreSession st = storeFor(s, sync.targetUri());
            if (st == null || !st.mode.clientSends()) {
                continue;
            }
            for (ItemCommand ic : itemCommands(sync.commands())) {
                for (Item i : ic.items()) {
                    String key = st.id() + "/" + luidOf(i);
                    SessionState.PartialItem p = s.partials.get(key);
                    if (p != null && !i.moreData() && p.chunksStored > 0 && !w.spooled.containsKey(key)) {
                        // the last chunk of a large object: fetch what earlier messages spooled
                        return new Effect.LoadChunks(s.device.id(), st.id(), p.luid);
                    }
                }
            }
            if (w.facts.containsKey(st.id())) {
                continue;
            }
            Set<String> luids = new LinkedHashSet<>();
            Set<String> twins = new LinkedHashSet<>();
            Map<String, String> baseHashes = new HashMap<>();
            Map<Item, String> texts = completeTexts(s, st, sync);
            for (ItemCommand ic : itemCommands(sync.commands())) {
                for (Item i : ic.items()) {
                    String luid = luidOf(i);
                    if (luid != null) {
                        luids.add(luid);
                    }
                    String text = texts.get(i);
                    if (luid != null && text != null && ic instanceof Replace) {
                        // the server copy comes with the facts when the device's content differs from it (the merge
                        // base, see mergeBaseLookup); for a LUID replaced twice in one message with different contents
                        // it comes whatever its hash ("" matches none)
                        String hash = contentHash(w, i, text);
                        if (baseHashes.putIfAbsent(luid, hash) != null && !baseHashes.get(luid).equals(hash)) {
                            baseHashes.put(luid, "");
                        }
                    }
                    if (text != null && (st.mode.clientSendsAll() ? !(ic instanceof Delete) : ic instanceof Add)) {
                        // a large object's key is its whole text's, so a repeated slow sync finds its twin too; in a
                        // normal sync only Adds look for a twin (among items the device is not known to hold)
                        twins.add(w.twinKeys.computeIfAbsent(i, x -> content(st).twinKey(text)));
                    }
                }
            }
            if (luids.isEmpty() && twins.isEmpty()) {
                w.facts.put(st.id(), ItemFacts.NONE);
                continue;
            }
            return new Effect.LookupItems(s.account.accountId(), s.device.id(), st.id(), List.copyOf(luids),
                    List.copyOf(twins), Map.copyOf(baseHashes));
        }
        return null;
    }

    /**
     * The whole text of each item of {@code sync} that is complete in this message: a single item's text, or a large
     * object's spooled chunks, its chunks earlier in this message and its last chunk. Chunks with MoreData are absent.
     */
    /** The item's content hash, computed once per item of a message (the merge-base lookup and the decision). */
    private static String contentHash(Work w, Item item, String text) {
        return w.contentHashes.computeIfAbsent(item, x -> ContentHash.of(text));
    }

    private static Map<Item, String> completeTexts(SessionState s, StoreSession st, Sync sync) {
        Work w = s.work;
        Map<Item, String> out = new java.util.IdentityHashMap<>();
        Map<String, StringBuilder> open = new HashMap<>();
        for (ItemCommand ic : itemCommands(sync.commands())) {
            if (ic instanceof Delete) {
                continue;
            }
            for (Item i : ic.items()) {
                String luid = luidOf(i);
                String key = st.id() + "/" + luid;
                String text = i.text() == null ? "" : i.text();
                if (luid == null) {
                    continue;
                }
                if (i.moreData()) {
                    open.computeIfAbsent(key, k -> new StringBuilder(s.partials.containsKey(k)
                            ? w.spooled.getOrDefault(k, "") : "")).append(text);
                    continue;
                }
                StringBuilder b = open.remove(key);
                if (b != null) {
                    out.put(i, b.append(text).toString());
                } else if (s.partials.containsKey(key)) {
                    out.put(i, w.spooled.getOrDefault(key, "") + text);
                } else if (i.text() != null) {
                    out.put(i, i.text());
                }
            }
        }
        w.completeTexts.putAll(out);
        return out;
    }

    /**
     * The server copies of the items this message updates, so that an update from a device that cannot hold every
     * property keeps the rest (issue: nothing is lost through a limited device); null when they are loaded or none
     * is needed. Loaded only for items whose content differs from what the device last sent: one query per message
     * that changes items. The device's DevInf (its CTCap) is loaded first when stored but not yet read.
     */
    private Effect mergeBaseLookup(SessionState s) {
        Work w = s.work;
        if (w.mergeBases != null) {
            return null;
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (Command c : w.msg.commands()) {
            if (!(c instanceof Sync sync)) {
                continue;
            }
            StoreSession st = storeFor(s, sync.targetUri());
            if (st == null || !st.mode.clientSends()) {
                continue;
            }
            ItemFacts facts = w.facts.getOrDefault(st.id(), ItemFacts.NONE);
            for (ItemCommand ic : itemCommands(sync.commands())) {
                if (ic instanceof Delete) {
                    continue;
                }
                for (Item i : ic.items()) {
                    String text = w.completeTexts.get(i);
                    if (text == null) {
                        continue;
                    }
                    MappedItem m = facts.byLuid().get(luidOf(i));
                    if (m != null) {
                        if (!m.deleted() && !contentHash(w, i, text).equals(m.contentHash())) {
                            ids.add(m.itemId());
                        }
                    } else if (st.mode.clientSendsAll()) {
                        for (TwinCandidate t : facts.twins().getOrDefault(w.twinKeys.get(i), List.of())) {
                            if (!contentHash(w, i, text).equals(t.contentHash())) {
                                ids.add(t.itemId());
                            }
                        }
                    }
                }
            }
        }
        if (ids.isEmpty()) {
            w.mergeBases = Map.of();
            return null;
        }
        if (needsStoredDevInf(s)) {
            return new Effect.LoadDevInf(s.device.id());
        }
        // most came with the facts (Replaces of mapped items); the rest (twins of a slow sync, a mapped item's Add) are
        // loaded
        Map<Long, StoredItem> read = new HashMap<>();
        for (ItemFacts f : w.facts.values()) {
            read.putAll(f.bases());
        }
        Map<Long, StoredItem> have = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long id : ids) {
            StoredItem base = read.get(id);
            if (base != null) {
                have.put(id, base);
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            w.mergeBases = have;
            return null;
        }
        w.basesRead = have;
        w.loadingMergeBases = true;
        return new Effect.LoadItems(s.account.accountId(), List.copyOf(missing));
    }

    // ------------------------------------------------------------------------------------------------------------
    // deciding every command of the message

    private void processCommands(SessionState s) {
        Work w = s.work;
        CommandHandler handler = new CommandHandler(s);
        for (Command c : w.msg.commands()) {
            c.accept(handler);
        }
        if (s.stage == Stage.INIT && s.clientDevInf == null && !s.devInfRequested && s.device.devInfHash() == null
                && w.msg.commands().stream().anyMatch(c -> c instanceof Alert)) {
            // a device that neither sent nor ever stored its device information is asked for it (DS Protocol §5.5)
            s.devInfRequested = true;
            String uri = s.version.devInfUri();
            s.outbox.add(id -> new Get(id, false, null, null, Meta.ofType(devInfType),
                    List.of(Item.withTarget(uri, null))));
        }
        for (StoreSession st : s.stores.values()) {
            if (!st.receivedHere.isEmpty() && s.stage != Stage.DONE) {
                w.batch.checkpoints.add(new WriteBatch.Checkpoint(st.id(), st.mode.code(), st.clientLast,
                        st.receivedHere));
                st.receivedHere.clear();
            }
        }
        if (w.msg.fin()) {
            packageEnded(s);
        }
    }

    /** The client's message was final: move through the package sequence. */
    private void packageEnded(SessionState s) {
        Work w = s.work;
        boolean hadSync = !w.refusesSyncs && w.msg.commands().stream().anyMatch(c -> c instanceof Sync);
        if (s.stage == Stage.CLIENT_SYNC || s.stage == Stage.INIT && hadSync) {
            for (SessionState.PartialItem p : List.copyOf(s.partials.values())) {
                noEndOfData(s, p); // the package ended without the object's last chunk
            }
            for (StoreSession st : s.stores.values()) {
                if (st.mode.clientSendsAll()) {
                    // the device no longer has what it did not send: the server will send it again
                    w.batch.prunes.add(new WriteBatch.MappingPrune(st.id(), st.receivedLuids));
                }
                if (st.mode == SyncMode.REFRESH_FROM_CLIENT) {
                    w.batch.itemPrunes.add(new WriteBatch.ItemPrune(st.id()));
                }
            }
            s.stage = Stage.SERVER_SYNC;
            w.serverPackageStarts = true;
        } else if (s.stage == Stage.MAP) {
            for (StoreSession st : s.stores.values()) {
                w.batch.anchors.add(new WriteBatch.AnchorCommit(st.id(), st.clientNext, st.serverNext));
                if (st.mode == SyncMode.REFRESH_FROM_CLIENT) {
                    // kept until the device's next session: should this reply be lost, the client asks to resume
                    // (Alert 225) and refuses any mode that writes to it (SyncEvolution: 403 to a slow sync); the
                    // resume then finds everything received and completes. Any other Alert clears it.
                    continue;
                }
                if (st.resumable()) {
                    w.batch.resumeClears.add(st.id());
                    // what this message added to the checkpoint goes too (clears run before checkpoints)
                    w.batch.checkpoints.removeIf(c -> c.datastore().equals(st.id()));
                }
            }
            w.completesSession = true;
        }
    }

    /** Decides each command; a visitor so that no command type can be forgotten. */
    private final class CommandHandler implements CommandVisitor<Void> {
        private final SessionState s;
        private final Work w;

        CommandHandler(SessionState s) {
            this.s = s;
            this.w = s.work;
        }

        @Override
        public Void visitStatus(Status st) {
            Sent sent = s.awaiting.remove(st.msgRef() + "/" + st.cmdRef());
            if (sent != null) {
                acknowledge(s, sent, st.code());
            } else if (!StatusCode.isSuccess(st.code()) && !"SyncHdr".equals(st.cmd())) {
                LOG.info("session {}: client answered {} {} with {}", s.sessionId, st.cmd(), st.cmdRef(), st.code());
            }
            return null;
        }

        @Override
        public Void visitAlert(Alert a) {
            if (!w.alertsHandled) {
                handleAlert(s, a);
            }
            return null;
        }

        @Override
        public Void visitPut(Put p) {
            DevInf d = devInfOf(p.items());
            if (d != null) {
                rememberDevInf(s, d);
            }
            reply(p, List.of(), sourceRefs(p.items()), StatusCode.OK);
            return null;
        }

        @Override
        public Void visitGet(Get g) {
            String target = g.items().isEmpty() ? null : g.items().get(0).targetUri();
            if (!SyncMlVersion.isDevInfUri(target)) {
                reply(g, target == null ? List.of() : List.of(target), List.of(), StatusCode.NOT_FOUND);
                return null;
            }
            reply(g, List.of(target), List.of(), StatusCode.OK);
            String msgRef = w.msg.header().msgId();
            String uri = s.version.devInfUri();
            java.util.function.Function<DevInf, Results> results = d -> new Results("1", msgRef, g.cmdId(),
                    Meta.ofType(devInfType), List.of(), List.of(), List.of(new Item(null, Location.of(uri), null, null,
                    null, new ItemData.DevInfData(d), false)));
            DevInf mine = ServerDevInf.of(s.version, s.serverUri, config.serverVersion(), true);
            if (devInfSize(mine, results) > s.clientMaxMsgSize / 2) {
                // the CTCaps (optional, DevInf §5.3.8) would crowd out the rest of the reply of a small-message device
                mine = ServerDevInf.of(s.version, s.serverUri, config.serverVersion(), false);
            }
            DevInf sent = mine;
            s.outbox.add(id -> new Results(id, msgRef, g.cmdId(), Meta.ofType(devInfType), List.of(), List.of(),
                    List.of(new Item(null, Location.of(uri), null, null, null, new ItemData.DevInfData(sent), false))));
            return null;
        }

        @Override
        public Void visitResults(Results r) {
            DevInf d = devInfOf(r.items());
            if (d != null) {
                rememberDevInf(s, d);
            }
            reply(r, List.of(), sourceRefs(r.items()), StatusCode.OK);
            return null;
        }

        @Override
        public Void visitSync(Sync sync) {
            handleSync(s, sync);
            return null;
        }

        @Override
        public Void visitMap(MapCommand m) {
            handleMap(s, m);
            return null;
        }

        @Override
        public Void visitAdd(Add c) {
            return notInSync(c);
        }

        @Override
        public Void visitReplace(Replace c) {
            return notInSync(c);
        }

        @Override
        public Void visitDelete(Delete c) {
            return notInSync(c);
        }

        @Override
        public Void visitCopy(Copy c) {
            return notInSync(c);
        }

        @Override
        public Void visitMove(Move c) {
            return notInSync(c);
        }

        @Override
        public Void visitAtomic(Atomic c) {
            reply(c, List.of(), List.of(), StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED);
            return null;
        }

        @Override
        public Void visitSequence(Sequence c) {
            reply(c, List.of(), List.of(), StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED);
            return null;
        }

        @Override
        public Void visitUnknown(UnknownCommand c) {
            reply(c, List.of(), List.of(), StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED);
            return null;
        }

        private Void notInSync(ItemCommand c) {
            // data commands outside a Sync name no datastore session
            reply(c, List.of(), sourceRefs(c.items()), StatusCode.COMMAND_NOT_ALLOWED);
            return null;
        }

        private void reply(Command c, List<String> targets, List<String> sources, int code) {
            if (!noResp(c) && !w.msg.header().noResp()) {
                s.outbox.add(status(w.msg, c, targets, sources, code));
            }
        }
    }

    private static boolean noResp(Command c) {
        return c instanceof ItemCommand ic ? ic.noResp()
                : c instanceof Alert a ? a.noResp()
                : c instanceof Sync sy ? sy.noResp()
                : c instanceof Get g ? g.noResp()
                : c instanceof Put p && p.noResp();
    }

    private void cacheDevInf(String hash, DevInf d) {
        if (devInfByHash.size() < DEVINF_CACHE_LIMIT) {
            devInfByHash.putIfAbsent(hash, d);
        }
    }

    /**
     * True when the device's stored DevInf must be read (not sent in this session, not read yet, not cached); a
     * cached one becomes the session's on the way.
     */
    private boolean needsStoredDevInf(SessionState s) {
        if (s.clientDevInf != null || s.devInfLoadTried || s.device.devInfHash() == null) {
            return false;
        }
        DevInf cached = devInfByHash.get(s.device.devInfHash());
        if (cached != null) {
            s.clientDevInf = cached;
            s.devInfLoadTried = true;
            return false;
        }
        return true;
    }

    private void rememberDevInf(SessionState s, DevInf d) {
        s.clientDevInf = d;
        String xml = DevInfXml.write(d);
        String hash = ContentHash.of(xml);
        cacheDevInf(hash, d);
        if (!hash.equals(s.device.devInfHash())) {
            s.work.batch.devInf = new WriteBatch.DevInfUpdate(xml, hash, d.man(), d.mod());
        }
    }

    private static DevInf devInfOf(List<Item> items) {
        for (Item i : items) {
            if (i.data() instanceof ItemData.DevInfData d) {
                return d.devInf();
            }
            // some clients put DevInf as XML text into a WBXML message
            if (i.data() instanceof ItemData.Text t && t.value() != null && t.value().contains("DevInf")) {
                DevInf d = DevInfXml.read(t.value()).orElse(null);
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }

    private static List<String> sourceRefs(List<Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) {
            if (i.sourceUri() != null) {
                out.add(i.sourceUri());
            }
        }
        return out;
    }

    // --- Alert (§5.2.1, §6)

    private void handleAlert(SessionState s, Alert a) {
        Work w = s.work;
        int code = a.code();
        Item item = a.items().isEmpty() ? null : a.items().get(0);
        List<String> targets = item != null && item.targetUri() != null ? List.of(item.targetUri()) : List.of();
        List<String> sources = item != null && item.sourceUri() != null ? List.of(item.sourceUri()) : List.of();
        if (!AlertCode.isSyncMode(code) && code != AlertCode.RESUME) {
            int st = switch (code) {
                case AlertCode.NEXT_MESSAGE, AlertCode.DISPLAY -> StatusCode.OK;
                case AlertCode.NO_END_OF_DATA -> {
                    // the client gave up on a large object: drop what arrived of it
                    for (SessionState.PartialItem p : List.copyOf(s.partials.values())) {
                        abandon(s, p);
                    }
                    yield StatusCode.OK;
                }
                case AlertCode.SUSPEND -> {
                    LOG.info("session {}: client suspends", s.sessionId);
                    s.stage = Stage.FAILED;
                    w.report.failure = MessageReport.Failure.SUSPENDED;
                    yield StatusCode.OK;
                }
                default -> StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED;
            };
            if (!a.noResp()) {
                s.outbox.add(status(w.msg, a, targets, sources, st));
            }
            return;
        }
        if (item == null || item.targetUri() == null || item.sourceUri() == null) {
            s.outbox.add(status(w.msg, a, targets, sources, StatusCode.INCOMPLETE_COMMAND));
            return;
        }
        Optional<Datastore> ds = Datastore.resolve(item.targetUri());
        if (ds.isEmpty()) {
            LOG.info("session {}: datastore '{}' not available", s.sessionId, item.targetUri());
            s.outbox.add(status(w.msg, a, targets, sources, StatusCode.NOT_FOUND));
            return;
        }
        DevicePolicy policy = s.device.policy();
        if (!policy.allows(ds.get().id())) {
            LOG.info("session {}: datastore '{}' is not enabled for device '{}' (slot {})", s.sessionId,
                    ds.get().id(), s.deviceUri, s.device.slot());
            s.outbox.add(status(w.msg, a, targets, sources, StatusCode.FORBIDDEN));
            return;
        }
        SyncMode requested = SyncMode.ofAlert(code == AlertCode.RESUME ? AlertCode.TWO_WAY : code).orElse(null);
        if (requested == null) {
            s.outbox.add(status(w.msg, a, targets, sources, StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED));
            return;
        }
        Anchor anchor = item.meta() == null ? null : item.meta().anchor();
        String clientLast = anchor == null ? null : anchor.last();
        String clientNext = anchor == null ? null : anchor.next();
        var stored = s.anchors.get(ds.get().id());
        StoredAnchor.Suspended suspended = stored == null ? null : stored.suspended();
        boolean resumed = code == AlertCode.RESUME && suspended != null
                && java.util.Objects.equals(suspended.clientLast(), clientLast)
                && SyncMode.ofAlert(suspended.mode()).isPresent();
        Negotiation asked;
        if (resumed) {
            // OMA DS §6.9: the interrupted sync goes on in its mode; the client sends only what it had not sent
            asked = new Negotiation(SyncMode.ofAlert(suspended.mode()).orElseThrow(), StatusCode.OK);
        } else {
            asked = Negotiation.negotiate(requested, clientLast, stored);
            if (suspended != null) {
                w.batch.resumeClears.add(ds.get().id()); // that interrupted sync is over
            }
        }
        // the device's policy: its direction, and a forced mode for this one session
        DeviceModes dm = DeviceModes.decide(asked, policy, resumed);
        if (dm.consumedNextSync()) {
            w.batch.consumeNextSync = true;
            LOG.info("session {}: next sync of device '{}' forced by its policy: {}", s.sessionId, s.deviceUri,
                    policy.nextSync().wireName());
        }
        Negotiation n = new Negotiation(dm.mode(), dm.status());
        // a resume without a matching checkpoint: say so (as SyncEvolution's server does) and sync afresh
        int statusCode = !resumed && code == AlertCode.RESUME ? STATUS_NOT_RESUMABLE : n.status();
        String serverNext = ANCHOR_FORMAT.format(config.clock().instant());
        StoreSession st = new StoreSession(ds.get(), item.sourceUri(), item.targetUri(), n.mode(), clientNext,
                stored == null ? null : stored.serverNext(), serverNext);
        st.clientLast = clientLast;
        st.requested = code;
        st.appliesClientChanges = dm.appliesClientChanges();
        st.serverSendsChanges = dm.serverSendsChanges();
        s.stores.put(st.id(), st);
        if (resumed) {
            st.receivedLuids.addAll(suspended.receivedLuids());
        } else if (n.mode() == SyncMode.REFRESH_FROM_SERVER) {
            w.batch.resets.add(st.id()); // the device wipes its data: it maps nothing any more
        }
        if (st.resumable()) {
            // if this session is cut off, the next one can resume it (Alert 225)
            w.batch.checkpoints.add(new WriteBatch.Checkpoint(st.id(), n.mode().code(), clientLast, Set.of()));
        }
        if (resumed) {
            LOG.info("session {}: {} resumes an interrupted {} ({} items already received)", s.sessionId, st.id(),
                    n.mode(), suspended.receivedLuids().size());
        }
        String why = clientLast == null ? "no last anchor"
                : "last anchor " + (n.status() == StatusCode.OK ? "matches" : "mismatch");
        boolean otherMode = n.mode().code() != code;
        st.agreement = otherMode ? " (requested " + code + ", " + why + ")" : "";
        if (otherMode) {
            // the server chose another mode than the device asked for (a slow sync after an anchor mismatch, the
            // device's policy): worth a line of its own, should the session not complete
            LOG.info("session {}: {} requested {} ({}), agreed {}", s.sessionId, st.id(), code, why, n.mode());
        } else {
            LOG.debug("session {}: {} requested {} ({}), agreed {}", s.sessionId, st.id(), code, why, n.mode());
        }
        StatusDraft sd = status(w.msg, a, targets, sources, statusCode);
        if (clientNext != null) {
            sd.items = List.of(new Item(null, null, null, null, null, new ItemData.AnchorData(new Anchor(null,
                    clientNext)), false));
        }
        s.outbox.add(sd);
        s.outbox.add(id -> new Alert(id, false, null, n.mode().code(), null, List.of(new Item(
                Location.of(st.clientUri), Location.of(st.serverUri), null, null,
                Meta.EMPTY.withAnchor(new Anchor(st.serverLast, st.serverNext)), null, false))));
    }

    // --- Sync and its data commands (§6.5-§6.9)

    private void handleSync(SessionState s, Sync sync) {
        Work w = s.work;
        StoreSession st = storeFor(s, sync.targetUri());
        List<String> targets = sync.targetUri() == null ? List.of() : List.of(sync.targetUri());
        List<String> sources = sync.sourceUri() == null ? List.of() : List.of(sync.sourceUri());
        if (w.refusesSyncs) {
            // changes sent with the Alert where the server needs everything (a slow sync after an anchor mismatch):
            // nothing of them is applied; the client sends its slow sync as package 3
            if (!sync.noResp()) {
                s.outbox.add(status(w.msg, sync, targets, sources, StatusCode.REFRESH_REQUIRED));
            }
            for (Command c : flatten(sync.commands())) {
                if (!noResp(c)) {
                    s.outbox.add(status(w.msg, c, List.of(), c instanceof ItemCommand ic ? ic.items().stream()
                            .map(SessionMachine::luidOf).filter(java.util.Objects::nonNull).toList() : List.of(),
                            StatusCode.REFRESH_REQUIRED));
                }
            }
            return;
        }
        int syncStatus = st == null ? StatusCode.NOT_FOUND : StatusCode.OK;
        if (!sync.noResp()) {
            s.outbox.add(status(w.msg, sync, targets, sources, syncStatus));
        }
        for (Command c : flatten(sync.commands())) {
            if (!(c instanceof ItemCommand ic) || c instanceof Copy || c instanceof Move) {
                if (!noResp(c)) {
                    s.outbox.add(status(w.msg, c, List.of(), List.of(), StatusCode.OPTIONAL_FEATURE_NOT_SUPPORTED));
                }
                continue;
            }
            for (Item item : ic.items()) {
                StatusDraft sd = status(w.msg, ic, List.of(), luidOf(item) == null ? List.of() : List.of(luidOf(item)),
                        StatusCode.OK);
                if (!ic.noResp()) {
                    s.outbox.add(sd);
                }
                if (st == null) {
                    sd.code = StatusCode.NOT_FOUND;
                } else if (!st.mode.clientSends()) {
                    sd.code = StatusCode.COMMAND_NOT_ALLOWED;
                } else {
                    decide(s, st, ic, item, sd);
                    if (StatusCode.isSuccess(sd.code) && sd.code != StatusCode.CHUNKED_ITEM_ACCEPTED) {
                        st.itemsIn++;
                        w.report.item(st.id(), ic.name().toLowerCase(java.util.Locale.ROOT),
                                MessageReport.Direction.FROM_CLIENT);
                    }
                }
            }
        }
    }

    private static List<Command> flatten(List<Command> commands) {
        List<Command> out = new ArrayList<>();
        for (Command c : commands) {
            if (c instanceof Sequence seq) {
                out.addAll(flatten(seq.commands()));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static List<ItemCommand> itemCommands(List<Command> commands) {
        List<ItemCommand> out = new ArrayList<>();
        for (Command c : flatten(commands)) {
            if (c instanceof Add || c instanceof Replace || c instanceof Delete) {
                out.add((ItemCommand) c);
            }
        }
        return out;
    }

    /** The client's id of an item: Source LocURI (Target for clients that address by it). */
    private static String luidOf(Item i) {
        if (i.sourceUri() != null && !i.sourceUri().isBlank()) {
            return i.sourceUri();
        }
        return i.targetUri() != null && !i.targetUri().isBlank() ? i.targetUri() : null;
    }

    private void decide(SessionState s, StoreSession st, ItemCommand cmd, Item item, StatusDraft sd) {
        Work w = s.work;
        String luid = luidOf(item);
        if (luid == null) {
            sd.code = StatusCode.INCOMPLETE_COMMAND;
            return;
        }
        ItemFacts facts = w.facts.getOrDefault(st.id(), ItemFacts.NONE);
        MappedItem mapped = facts.byLuid().get(luid);
        if (st.mode.clientSendsAll() && st.receivedLuids.add(luid)) {
            st.receivedHere.add(luid);
        }
        if (cmd instanceof Delete) {
            decideDelete(s, st, mapped, sd);
            return;
        }
        boolean isAdd = cmd instanceof Add;
        String type = item.meta() != null && item.meta().type() != null ? item.meta().type() : cmd.meta().type();
        String text = item.text();
        if (item.moreData() || s.partials.containsKey(st.id() + "/" + luid)) {
            text = assemble(s, st, cmd, item, luid, type, sd);
            if (text == null) {
                return; // a chunk (213) or a failed assembly (status set)
            }
        }
        if (text == null || text.isBlank()) {
            sd.code = StatusCode.INCOMPLETE_COMMAND;
            return;
        }
        if (text.length() > config.maxObjSize()) {
            sd.code = StatusCode.REQUEST_ENTITY_TOO_LARGE;
            return;
        }
        ItemContent content = content(st);
        Optional<String> stored = content.storedType(type, text);
        if (stored.isEmpty()) {
            LOG.info("session {}: item {} refused for {}: type '{}' is not {} content", s.sessionId, luid, st.id(),
                    type, st.id());
            sd.code = StatusCode.UNSUPPORTED_MEDIA_TYPE;
            return;
        }
        String contentType = stored.get();
        st.receivedType = contentType;
        String hash = contentHash(w, item, text);
        String whole = text;
        String twin = w.twinKeys.computeIfAbsent(item, x -> content.twinKey(whole));
        Incoming in = new Incoming(luid, contentType, text, twin, hash);
        int ok = isAdd ? StatusCode.ITEM_ADDED : StatusCode.OK;
        if (!st.appliesClientChanges) {
            // download only: the device's version is not taken; where it differs, the server's goes back to it
            TwinCandidate twinItem = mapped == null ? twinFor(facts, st, twin, hash) : null;
            long itemId = mapped != null ? mapped.itemId() : twinItem != null ? twinItem.itemId() : -1;
            if (itemId >= 0 && (mapped == null || !mapped.deleted())) {
                st.matchedItems.add(itemId);
                String current = mapped != null ? mapped.contentHash() : twinItem.contentHash();
                long seq = mapped != null ? mapped.changeSeq() : twinItem.changeSeq();
                w.batch.mapUpsert(itemId, st.id(), luid, hash.equals(current) ? seq : 0L);
            }
            sd.code = StatusCode.OK;
            return;
        }
        if (mapped != null) {
            st.matchedItems.add(mapped.itemId());
            if (mapped.deleted()) {
                // changed on the device while deleted on the server: the change wins, the item comes back
                update(s, st, mapped.itemId(), null, in, sd);
                sd.code = StatusCode.ITEM_ADDED;
            } else if (hash.equals(mapped.contentHash())) {
                if (mapped.knownSeq() != mapped.changeSeq()) {
                    w.batch.mapUpsert(mapped.itemId(), st.id(), luid,
                            mapped.changeSeq());
                }
                sd.code = ok;
            } else if (mapped.changeSeq() > mapped.knownSeq() && st.mode != SyncMode.REFRESH_FROM_CLIENT) {
                conflict(s, st, mapped, in, sd, ok);
            } else {
                update(s, st, mapped.itemId(), mapped.changeSeq(), in, sd);
                sd.code = ok;
            }
            return;
        }
        if (st.mode.clientSendsAll() || isAdd) {
            // an Add in a normal sync can be an item the server itself sent in an interrupted session whose Map never
            // arrived: the device stored it and now reports it as its own new item. The twin (an item the device is
            // not mapped to, with the same identity) is that item, or one another device added the same: either
            // way, mapping instead of inserting keeps the account free of a duplicate, as in a slow sync
            TwinCandidate twinItem = twinFor(facts, st, twin, hash);
            if (twinItem != null) {
                st.matchedItems.add(twinItem.itemId());
                if (hash.equals(twinItem.contentHash())) {
                    w.batch.mapUpsert(twinItem.itemId(), st.id(), luid,
                            twinItem.changeSeq());
                } else {
                    update(s, st, twinItem.itemId(), twinItem.changeSeq(), in, sd);
                }
                sd.code = ok;
                return;
            }
        }
        if (!st.appliesClientChanges) {
            // a download-only device's own item: not taken into the account (it stays on the device)
            sd.code = StatusCode.OK;
            return;
        }
        insert(w, st, in);
        sd.code = StatusCode.ITEM_ADDED;
    }

    private void insert(Work w, StoreSession st, Incoming in) {
        int ref = w.batch.inserts.size();
        w.batch.inserts.add(new WriteBatch.NewItem(ref, st.id(), in.contentType(), in.text(), in.twin(), in.hash(),
                in.luid(), content(st).index(in.text())));
    }

    /** An item as the device sent it: its LUID, stored type, whole text, twin key and content hash. */
    private record Incoming(String luid, String contentType, String text, String twin, String hash) {
    }

    /** The conflict policy of this device: its own, else the server's. */
    private ConflictPolicy conflictPolicy(SessionState s) {
        ConflictPolicy own = s.device.policy().conflictPolicy();
        return own != null ? own : config.conflictPolicy();
    }

    /**
     * Both sides changed the item since the device last saw it (OMA DS Protocol §6.11). The device's policy decides:
     * server-wins (419, the server's version goes to the device), client-wins (208), newest-wins (the device's
     * version when it says it was modified after the server copy was written, else the server's), duplicate (209:
     * the device's version becomes a new item and the server's reaches the device as another). In a slow sync the
     * statuses are those of a match (the device did not claim a change).
     */
    private void conflict(SessionState s, StoreSession st, MappedItem mapped, Incoming in, StatusDraft sd, int ok) {
        ConflictPolicy policy = conflictPolicy(s);
        boolean clientWins = switch (policy) {
            case CLIENT_WINS -> true;
            case SERVER_WINS, DUPLICATE -> false;
            case NEWEST_WINS -> {
                java.time.Instant deviceTime = content(st).modified(in.text()).orElse(null);
                yield deviceTime != null && mapped.updatedAt() != null && deviceTime.isAfter(mapped.updatedAt());
            }
        };
        if (clientWins) {
            update(s, st, mapped.itemId(), mapped.changeSeq(), in, sd);
            sd.code = st.mode.clientSendsAll() ? ok : StatusCode.CONFLICT_CLIENT_WON;
        } else if (policy == ConflictPolicy.DUPLICATE) {
            // the LUID moves to a new item holding the device's version; the server item, unmapped, is sent as new
            s.work.batch.unmaps.add(new WriteBatch.MapRemove(mapped.itemId()));
            insert(s.work, st, in);
            sd.code = st.mode.clientSendsAll() ? ok : StatusCode.CONFLICT_DUPLICATE;
        } else {
            // the server's version stays and is sent to the device (its mapping still says it is behind)
            sd.code = st.mode.clientSendsAll() ? ok : StatusCode.CONFLICT_SERVER_WON;
        }
        s.work.report.conflict(conflictPolicy(s));
        LOG.info("session {}: conflict on item {} ({}), {}: {}", s.sessionId, mapped.itemId(), st.id(),
                policy.wireName(), clientWins ? "device's version kept" : policy == ConflictPolicy.DUPLICATE
                        ? "both kept" : "server's version kept");
    }

    /**
     * Replaces a server item with the device's version, merged with the server copy: what the device cannot hold
     * (not in its CTCap, or not expressible in its format) is kept from the server's copy. The stored hash stays the
     * hash of what the device sent, so the same version sent again is recognised as unchanged.
     */
    private void update(SessionState s, StoreSession st, long itemId, Long expectedSeq, Incoming in,
                        StatusDraft sd) {
        Work w = s.work;
        String text = in.text();
        String contentType = in.contentType();
        StoredItem base = w.mergeBases == null ? null : w.mergeBases.get(itemId);
        if (base != null && !base.deleted() && base.content() != null) {
            ItemContent content = content(st);
            if (expectedSeq != null && expectedSeq == base.changeSeq()
                    && content.convert(base.content(), base.contentType(), in.contentType()).equals(in.text())) {
                // exactly what the server sends this device for its copy (a slow sync returning what it received
                // in its own format): nothing changed, so nothing is rewritten and nothing goes to other devices
                w.batch.mapUpsert(itemId, st.id(), in.luid(), base.changeSeq());
                return;
            }
            Set<String> supported = DevicePreferences.supportedProperties(s.clientDevInf, st.clientUri, st.datastore,
                    in.contentType());
            Optional<String> merged = content.merge(base.content(), in.text(), supported);
            if (merged.isPresent() && merged.get().equals(base.content()) && expectedSeq != null
                    && expectedSeq == base.changeSeq()) {
                w.batch.mapUpsert(itemId, st.id(), in.luid(), base.changeSeq()); // the merge changes nothing
                return;
            }
            if (merged.isPresent() && !merged.get().equals(in.text())) {
                text = merged.get();
                contentType = content.storedType(null, text).orElse(in.contentType());
                LOG.debug("session {}: item {} ({}) merged with the server copy: kept what device '{}' cannot hold",
                        s.sessionId, itemId, st.id(), s.deviceUri);
            }
        }
        w.batch.updates.add(new WriteBatch.ItemUpdate(itemId, expectedSeq, contentType, text, in.twin(), in.hash(),
                st.id(), in.luid(), content(st).index(text)));
        w.writeStatuses.computeIfAbsent(itemId, k -> new ArrayList<>()).add(sd);
    }

    private static TwinCandidate twinFor(ItemFacts facts, StoreSession st, String twin, String hash) {
        List<TwinCandidate> candidates = facts.twins().getOrDefault(twin, List.of());
        TwinCandidate first = null;
        for (TwinCandidate c : candidates) {
            if (st.matchedItems.contains(c.itemId())) {
                continue;
            }
            if (hash.equals(c.contentHash())) {
                return c;
            }
            if (first == null) {
                first = c;
            }
        }
        return first;
    }

    private void decideDelete(SessionState s, StoreSession st, MappedItem mapped, StatusDraft sd) {
        Work w = s.work;
        if (mapped == null) {
            sd.code = StatusCode.ITEM_NOT_DELETED;
            return;
        }
        st.matchedItems.add(mapped.itemId());
        if (mapped.deleted()) {
            w.batch.mapRemoves.add(new WriteBatch.MapRemove(mapped.itemId()));
            sd.code = StatusCode.OK;
        } else if (!st.appliesClientChanges) {
            // download only: the deletion stays on the device; the item goes back to it
            w.batch.mapRemoves.add(new WriteBatch.MapRemove(mapped.itemId()));
            sd.code = StatusCode.OK;
        } else if (mapped.changeSeq() > mapped.knownSeq() && conflictPolicy(s) != ConflictPolicy.CLIENT_WINS
                && st.mode != SyncMode.REFRESH_FROM_CLIENT) {
            // changed on the server, deleted on the device: the change wins (the device's deletion carries no time
            // for newest-wins, and there is nothing to duplicate) and the device gets the item again
            w.batch.mapRemoves.add(new WriteBatch.MapRemove(mapped.itemId()));
            sd.code = StatusCode.CONFLICT_SERVER_WON;
            s.work.report.conflict(conflictPolicy(s));
        } else if (!s.device.policy().deletesPropagate() && st.mode != SyncMode.REFRESH_FROM_CLIENT) {
            // the device's deletions stay on the device: it lets go of the item, the account keeps it
            w.batch.detaches.add(new WriteBatch.MapDetach(mapped.itemId(), mapped.changeSeq()));
            sd.code = StatusCode.OK;
            LOG.info("session {}: item {} ({}) deleted on device '{}' only (deletions do not propagate)",
                    s.sessionId, mapped.itemId(), st.id(), s.deviceUri);
        } else {
            w.batch.deletes.add(new WriteBatch.ItemDelete(mapped.itemId(), mapped.changeSeq()));
            w.writeStatuses.computeIfAbsent(mapped.itemId(), k -> new ArrayList<>()).add(sd);
            sd.code = StatusCode.OK;
        }
    }

    /**
     * A chunk of a large object (RepPro §5.1.13 MoreData): spooled to the store until the last chunk, then the whole
     * item. The first chunk's {@code Size} is checked against MaxObjSize (416), what arrives against that Size (424
     * as soon as it is exceeded, or when the last chunk leaves it short); without a Size, against MaxObjSize (413).
     * Returns the whole text, or null after answering a chunk with 213 or a failure with its status (then nothing of
     * the object is kept).
     */
    private String assemble(SessionState s, StoreSession st, ItemCommand cmd, Item item, String luid, String type,
                            StatusDraft sd) {
        Work w = s.work;
        String key = st.id() + "/" + luid;
        SessionState.PartialItem p = s.partials.get(key);
        if (p == null) {
            abandonOthers(s, st, luid);
            Long size = item.meta() != null && item.meta().size() != null ? item.meta().size() : cmd.meta().size();
            if (size != null && size > config.maxObjSize()) {
                sd.code = StatusCode.REQUESTED_SIZE_TOO_BIG;
                return null;
            }
            p = new SessionState.PartialItem(st.id(), luid, cmd.name(), type, size);
            s.partials.put(key, p);
            w.batch.chunkDiscards.add(new WriteBatch.ChunkDiscard(st.id(), luid)); // whatever an old attempt left
        }
        String chunk = item.text() == null ? "" : item.text();
        p.bytes += utf8Length(chunk);
        p.lineFeeds += chunk.chars().filter(c -> c == '\n').count();
        long limit = p.declaredSize != null ? p.declaredSize : config.maxObjSize();
        if (p.bytes > limit || p.bytes > config.maxObjSize()) {
            abandon(s, p);
            sd.code = p.declaredSize != null ? StatusCode.SIZE_MISMATCH : StatusCode.REQUEST_ENTITY_TOO_LARGE;
            LOG.info("session {}: large object {} refused: {} bytes arrived, {} allowed", s.sessionId, luid, p.bytes,
                    limit);
            return null;
        }
        if (item.moreData()) {
            w.batch.chunkAppends.add(new WriteBatch.ChunkAppend(st.id(), luid, p.chunksStored + p.chunksHere, chunk));
            p.chunksHere++;
            w.unspooled.computeIfAbsent(key, k -> new StringBuilder()).append(chunk);
            sd.code = StatusCode.CHUNKED_ITEM_ACCEPTED;
            return null;
        }
        s.partials.remove(key);
        w.batch.chunkDiscards.add(new WriteBatch.ChunkDiscard(st.id(), luid));
        // over XML the client's CR LF line ends arrive as LF; its Size counted them as two bytes
        if (p.declaredSize != null && p.declaredSize != p.bytes && p.declaredSize != p.bytes + p.lineFeeds) {
            sd.code = StatusCode.SIZE_MISMATCH;
            LOG.info("session {}: large object {} declared {} bytes, {} arrived", s.sessionId, luid, p.declaredSize,
                    p.bytes);
            return null;
        }
        StringBuilder here = w.unspooled.get(key);
        return w.spooled.getOrDefault(key, "") + (here == null ? "" : here) + chunk;
    }

    /** A new item while another large object of the store is incomplete: that one will never end (223). */
    private void abandonOthers(SessionState s, StoreSession st, String luid) {
        for (SessionState.PartialItem p : List.copyOf(s.partials.values())) {
            if (p.datastore.equals(st.id()) && !p.luid.equals(luid)) {
                noEndOfData(s, p);
            }
        }
    }

    /** Tells the client that a large object it started never ended (Alert 223), and drops what arrived of it. */
    private void noEndOfData(SessionState s, SessionState.PartialItem p) {
        abandon(s, p);
        LOG.info("session {}: large object {} ({}) never ended; dropped", s.sessionId, p.luid, p.datastore);
        s.outbox.add(id -> new Alert(id, false, null, AlertCode.NO_END_OF_DATA, null,
                List.of(Item.withTarget(p.luid, null))));
    }

    private static void abandon(SessionState s, SessionState.PartialItem p) {
        s.partials.remove(p.datastore + "/" + p.luid);
        s.work.batch.chunkDiscards.add(new WriteBatch.ChunkDiscard(p.datastore, p.luid));
    }

    private static long utf8Length(String t) {
        long n = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < t.length() && Character.isLowSurrogate(t.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    // --- Map (§6.8) and the client's statuses for server changes

    private void handleMap(SessionState s, MapCommand m) {
        Work w = s.work;
        StoreSession st = storeFor(s, m.target().locUri());
        StatusDraft sd = status(w.msg, m, List.of(m.target().locUri()), List.of(m.source().locUri()), StatusCode.OK);
        s.outbox.add(sd);
        if (st == null) {
            sd.code = StatusCode.NOT_FOUND;
            return;
        }
        for (MapItem mi : m.items()) {
            long itemId;
            try {
                itemId = Long.parseLong(mi.target().locUri().trim());
            } catch (NumberFormatException e) {
                continue; // not an id this server gave out
            }
            Sent sent = s.sentItems.get(itemId);
            w.batch.mapUpsert(itemId, st.id(), mi.source().locUri(),
                    sent == null ? null : sent.changeSeq());
            if (st.mode.clientSendsAll() && st.receivedLuids.add(mi.source().locUri())) {
                // a pending Map of an interrupted session, sent with a (resumed) slow sync: the device holds the
                // item although it does not send it, so the end of its package must not prune the mapping
                st.receivedHere.add(mi.source().locUri());
            }
        }
    }

    private static void acknowledge(SessionState s, Sent sent, int code) {
        BatchBuilder b = s.work.batch;
        if (sent.chunk()) {
            if (code != StatusCode.CHUNKED_ITEM_ACCEPTED && !StatusCode.isSuccess(code)) {
                // the device refused a chunk: give the object up for this session (it stays owed)
                StoreSession st = s.stores.get(sent.datastore());
                if (st != null && st.partialOut != null && st.partialOut.change.itemId() == sent.itemId()) {
                    st.partialOut = null;
                    dropChange(st);
                }
                LOG.info("session {}: client refused a chunk of item {} with {}", s.sessionId, sent.itemId(), code);
            }
            return;
        }
        boolean ok = StatusCode.isSuccess(code) || code == StatusCode.ALREADY_EXISTS;
        switch (sent.op()) {
            case ADD -> {
                if (ok) {
                    b.mapUpsert(sent.itemId(), sent.datastore(), null, sent.changeSeq());
                }
            }
            case REPLACE -> {
                if (ok) {
                    b.mapUpsert(sent.itemId(), sent.datastore(), sent.luid(),
                            sent.changeSeq());
                } else if (code == StatusCode.NOT_FOUND || code == 410) {
                    b.mapRemoves.add(new WriteBatch.MapRemove(sent.itemId())); // gone from the device: add it again
                }
            }
            case DELETE, REMOVE -> {
                if (ok || code == StatusCode.NOT_FOUND || code == StatusCode.ITEM_NOT_DELETED || code == 410) {
                    b.mapRemoves.add(new WriteBatch.MapRemove(sent.itemId()));
                }
            }
            default -> throw new IllegalStateException("unknown op " + sent.op());
        }
        if (!ok) {
            LOG.info("session {}: client refused {} of item {} with {}", s.sessionId, sent.op(), sent.itemId(), code);
        }
    }

    private void applyWriteResult(SessionState s, Work w, WriteResult r) {
        for (Long conflicted : r.conflicts()) {
            // the item changed concurrently (another device's session): the server's version stands
            for (StatusDraft sd : w.writeStatuses.getOrDefault(conflicted, List.of())) {
                sd.code = StatusCode.CONFLICT_SERVER_WON;
            }
            w.report.conflict(conflictPolicy(s));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the server's modifications, packed into messages (§5.4 multiple messages, MaxMsgSize)

    /** Picks, by size estimate, the pending changes that may fit into this reply. */
    private List<PendingChange> chooseChanges(SessionState s) {
        for (StoreSession st : s.stores.values()) {
            if (st.partialOut != null) {
                return List.of(); // the next chunk of a large object fills this message; its text is in memory
            }
        }
        long budget = s.clientMaxMsgSize - encoder.envelopeSize(replyHeader(s), true) - SIZE_MARGIN;
        for (Outgoing o : s.outbox) {
            budget -= encoder.sizeOf(o.build("9999"));
        }
        if (budget <= 0) {
            return List.of(); // statuses first; changes follow in the next message
        }
        List<PendingChange> out = new ArrayList<>();
        for (StoreSession st : s.stores.values()) {
            budget -= 200;
            for (PendingChange c : st.outgoing) {
                long estimate = 260L + c.size() + c.size() / 5 + String.valueOf(c.itemId()).length();
                if (estimate > budget && !out.isEmpty()) {
                    return out;
                }
                out.add(c);
                budget -= estimate;
                if (budget <= 0) {
                    return out;
                }
            }
        }
        return out;
    }

    private Effect pack(SessionState s) {
        Work w = s.work;
        SyncHeader header = replyHeader(s);
        long budget = s.clientMaxMsgSize - encoder.envelopeSize(header, true) - SIZE_MARGIN;
        List<Command> commands = new ArrayList<>();
        int cmdId = 1;
        while (!s.outbox.isEmpty()) {
            Command c = s.outbox.peek().build(Integer.toString(cmdId));
            int size = encoder.sizeOf(c);
            if (size > budget && !commands.isEmpty()) {
                break;
            }
            s.outbox.poll();
            commands.add(c);
            budget -= size;
            cmdId++;
        }
        boolean serverDone = true;
        if (s.stage == Stage.SERVER_SYNC) {
            serverDone = s.outbox.isEmpty();
            if (serverDone) {
                for (StoreSession st : s.stores.values()) {
                    if (st.sentAll) {
                        continue;
                    }
                    cmdId = packStore(s, st, header, commands, cmdId, budget);
                    budget = s.clientMaxMsgSize - encoder.envelopeSize(header, true) - SIZE_MARGIN
                            - commands.stream().mapToLong(encoder::sizeOf).sum();
                    if (!st.sentAll) {
                        serverDone = false;
                        break;
                    }
                }
            }
        }
        boolean fin;
        Outcome outcome = Outcome.CONTINUE;
        switch (s.stage) {
            case INIT -> {
                fin = w.msg.fin() && s.outbox.isEmpty();
                if (fin) {
                    s.stage = Stage.CLIENT_SYNC;
                }
            }
            case CLIENT_SYNC -> fin = false;
            case SERVER_SYNC -> {
                fin = serverDone;
                if (fin) {
                    s.stage = Stage.MAP;
                }
            }
            case MAP -> {
                fin = w.completesSession && s.outbox.isEmpty();
                if (w.completesSession) {
                    s.stage = Stage.DONE;
                    outcome = Outcome.COMPLETED;
                    if (LOG.isInfoEnabled()) {
                        LOG.info(completeLine(s, header.msgId(), config.clock().instant()));
                    }
                }
            }
            case DONE -> {
                // the client acknowledges package 6: answer without asking for another acknowledgement
                fin = s.outbox.isEmpty();
                outcome = Outcome.COMPLETED;
                header = new SyncHeader(header.version(), header.sessionId(), header.msgId(), header.target(),
                        header.source(), header.respUri(), true, null, header.meta());
            }
            default -> {
                fin = true;
                outcome = Outcome.FAILED;
            }
        }
        if (s.stage == Stage.FAILED) {
            fin = true;
            outcome = Outcome.FAILED;
        }
        return finish(s, new SyncMessage(header, commands, fin), outcome);
    }

    /**
     * Adds the store's Sync, holding as many of its pending changes as fit. Returns the next CmdID; marks the store
     * {@code sentAll} when nothing of it is left.
     */
    private int packStore(SessionState s, StoreSession st, SyncHeader header, List<Command> commands, int cmdId,
                          long budget) {
        Work w = s.work;
        String syncId = Integer.toString(cmdId++);
        Integer noc = s.version == SyncMlVersion.V1_0 ? null : st.numberOfChanges;
        Sync empty = new Sync(syncId, false, null, Location.of(st.clientUri), Location.of(st.serverUri), Meta.EMPTY,
                noc, List.of());
        long room = budget - encoder.sizeOf(empty);
        if (room < 0 && !commands.isEmpty()) {
            return cmdId - 1; // not even an empty Sync fits: next message
        }
        String wanted = st.outgoing.isEmpty() && st.partialOut == null ? null : deviceType(s, st);
        List<Command> inner = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        while (!st.outgoing.isEmpty()) {
            String id = Integer.toString(cmdId);
            if (st.partialOut != null) {
                // the next chunk of a large object (RepPro §5.1.13): as much as fits, MoreData unless it is the last
                Chunk chunk = nextChunk(st.partialOut, id, wanted, room);
                if (chunk == null) {
                    break;
                }
                inner.add(chunk.command);
                room -= encoder.sizeOf(chunk.command);
                cmdId++;
                PendingChange c = st.partialOut.change;
                sent.add(new Sent(st.id(), c.op(), c.itemId(), c.changeSeq(), c.luid(), !chunk.last));
                if (!chunk.last) {
                    break; // the message is full
                }
                st.partialOut = null;
                st.outgoing.poll();
                continue;
            }
            PendingChange c = st.outgoing.peek();
            StoredItem item = w.contents == null ? null : w.contents.get(c.itemId());
            boolean chosen = w.chosen != null && w.chosen.contains(c);
            if (!chosen) {
                break; // content not loaded for this reply
            }
            if (!removesFromDevice(c) && (item == null || item.deleted())) {
                // gone or deleted since the list was made: a later session sends what is current
                dropChange(st);
                continue;
            }
            if (c.recurring() && c.op() == PendingChange.Op.ADD && st.window != null
                    && !content(st).occursBetween(item.content(), st.window.from(), st.window.to())) {
                // its span overlaps the device's window but no occurrence falls into it
                dropChange(st);
                continue;
            }
            Command cmd = changeCommand(id, c, item, wanted, content(st));
            int size = encoder.sizeOf(cmd);
            if (size > room) {
                if (removesFromDevice(c) || size <= emptyMessageRoom(s, header, noc)) {
                    break; // it fits into the next message
                }
                // larger than any message: send it in chunks, if the device takes large objects
                String text = ((ItemCommand) cmd).items().get(0).text();
                if (!supportsLargeObjects(s) || s.clientMaxObjSize != null
                        && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > s.clientMaxObjSize) {
                    LOG.warn("session {}: item {} ({} bytes) exceeds what device '{}' accepts; not sent",
                            s.sessionId, c.itemId(), size, s.deviceUri);
                    dropChange(st);
                    continue;
                }
                st.partialOut = new StoreSession.OutgoingObject(c, text);
                if (room < MIN_CHUNK_ROOM) {
                    break; // start it in the next message
                }
                continue;
            }
            inner.add(cmd);
            room -= size;
            cmdId++;
            st.outgoing.poll();
            sent.add(new Sent(st.id(), c.op(), c.itemId(), c.changeSeq(), c.luid()));
        }
        if (inner.isEmpty() && st.syncSent && !st.outgoing.isEmpty()) {
            return cmdId - 1; // nothing fitted; an empty Sync adds nothing here
        }
        String msgId = header.msgId();
        for (int i = 0; i < inner.size(); i++) {
            Sent x = sent.get(i);
            if (!x.chunk()) {
                st.itemsOut++;
                w.report.item(st.id(), x.op().name().toLowerCase(java.util.Locale.ROOT),
                        MessageReport.Direction.TO_CLIENT);
            }
            s.awaiting.put(msgId + "/" + inner.get(i).cmdId(), x);
            if (x.op() == PendingChange.Op.ADD && !x.chunk()) {
                s.sentItems.put(x.itemId(), x);
            }
        }
        commands.add(new Sync(syncId, false, null, Location.of(st.clientUri), Location.of(st.serverUri), Meta.EMPTY,
                noc, inner));
        st.syncSent = true;
        if (st.outgoing.isEmpty()) {
            st.sentAll = true;
        }
        return cmdId;
    }

    /** Bytes of data a chunk must at least be able to carry before a large object is started in a message. */
    private static final int MIN_CHUNK_ROOM = 1024;

    /**
     * The session's line in the log: who, how many messages in what time, and per datastore the mode (with what was
     * requested when the server chose another), the client's items accepted and the server's sent.
     */
    static String completeLine(SessionState s, String lastMsgId, java.time.Instant now) {
        StringBuilder b = new StringBuilder(160).append("session ").append(s.sessionId).append(": sync complete for")
                .append(" device '").append(s.deviceUri).append("' of account '").append(s.account.login())
                .append("' (slot ").append(s.device.slot()).append("), ").append(lastMsgId).append(" messages in ")
                .append(java.time.Duration.between(s.startedAt, now).toMillis()).append(" ms");
        String sep = ": ";
        for (StoreSession st : s.stores.values()) {
            b.append(sep).append(st.id()).append(' ').append(st.mode).append(st.agreement).append(", ")
                    .append(st.itemsIn).append(" in, ").append(st.itemsOut).append(" out");
            sep = "; ";
        }
        return b.toString();
    }

    private static void dropChange(StoreSession st) {
        st.outgoing.poll();
        st.numberOfChanges = Math.max(0, st.numberOfChanges - 1);
    }

    /** Room for one command in a message holding nothing but the header status and one Sync. */
    private long emptyMessageRoom(SessionState s, SyncHeader header, Integer noc) {
        Sync empty = new Sync("1", false, null, Location.of("x"), Location.of("x"), Meta.EMPTY, noc, List.of());
        return s.clientMaxMsgSize - encoder.envelopeSize(header, true) - SIZE_MARGIN - 400 - encoder.sizeOf(empty);
    }

    private static boolean supportsLargeObjects(SessionState s) {
        // DevInf says so; without DevInf, SyncML 1.1 and 1.2 define large objects and clients implement them
        return s.clientDevInf != null ? s.clientDevInf.supportLargeObjs() : s.version != SyncMlVersion.V1_0;
    }

    private record Chunk(Command command, boolean last) {
    }

    /**
     * The largest next chunk of {@code o} whose command fits {@code room} bytes; null when not even a small one fits.
     * The first chunk carries the object's size in bytes (Meta Size), every chunk but the last MoreData.
     */
    private Chunk nextChunk(StoreSession.OutgoingObject o, String cmdId, String wanted, long room) {
        boolean first = o.offset == 0;
        int remaining = o.text.length() - o.offset;
        Command whole = chunkCommand(o, cmdId, wanted, o.text.length(), first, false);
        if (encoder.sizeOf(whole) <= room) {
            o.offset = o.text.length();
            return new Chunk(whole, true);
        }
        int n = (int) Math.min(remaining - 1L, room - (encoder.sizeOf(chunkCommand(o, cmdId, wanted, o.offset, first,
                true))));
        while (n > 0) {
            int end = o.offset + n;
            if (Character.isHighSurrogate(o.text.charAt(end - 1))) {
                end--; // never split a character
            }
            Command cmd = chunkCommand(o, cmdId, wanted, end, first, true);
            int over = encoder.sizeOf(cmd) - (int) Math.min(Integer.MAX_VALUE, room);
            if (over <= 0) {
                o.offset = end;
                return new Chunk(cmd, false);
            }
            n = end - o.offset - Math.max(1, over);
        }
        return null;
    }

    private static Command chunkCommand(StoreSession.OutgoingObject o, String cmdId, String wanted, int end,
                                        boolean first, boolean more) {
        PendingChange c = o.change;
        String type = wanted != null ? wanted : c.contentType();
        Meta itemMeta = first ? Meta.EMPTY.withSize(o.totalBytes) : null;
        Item item = new Item(c.op() == PendingChange.Op.REPLACE ? Location.of(c.luid()) : null,
                Location.of(Long.toString(c.itemId())), null, null, itemMeta,
                ItemData.text(o.text.substring(o.offset, end)), more);
        return c.op() == PendingChange.Op.REPLACE
                ? new Replace(cmdId, false, null, Meta.ofType(type), List.of(item))
                : new Add(cmdId, false, null, Meta.ofType(type), List.of(item));
    }

    private static Command changeCommand(String cmdId, PendingChange c, StoredItem item, String wanted,
                                         ItemContent content) {
        String itemId = Long.toString(c.itemId());
        String type = wanted != null ? wanted : c.contentType();
        switch (c.op()) {
            case ADD -> {
                String text = content.convert(item.content(), item.contentType(), wanted);
                return new Add(cmdId, false, null, Meta.ofType(type), List.of(new Item(null, Location.of(itemId),
                        null, null, null, ItemData.text(text), false)));
            }
            case REPLACE -> {
                String text = content.convert(item.content(), item.contentType(), wanted);
                return new Replace(cmdId, false, null, Meta.ofType(type), List.of(new Item(Location.of(c.luid()),
                        Location.of(itemId), null, null, null, ItemData.text(text), false)));
            }
            case DELETE, REMOVE -> {
                return new Delete(cmdId, false, false, false, null, Meta.ofType(type), List.of(new Item(
                        Location.of(c.luid()), Location.of(itemId), null, null, null, null, false)));
            }
            default -> throw new IllegalStateException("unknown op " + c.op());
        }
    }

    /**
     * The content type the device wants: its DevInf preference, else the type of what it sent in this session, else
     * the datastore's 1.0-era default (vCard 2.1, vCalendar 1.0: what old phones without DevInf speak).
     */
    private String deviceType(SessionState s, StoreSession st) {
        if (st.deviceType == null) {
            ItemContent content = content(st);
            st.deviceType = DevicePreferences.preferredType(s.clientDevInf, st.clientUri, content)
                    .orElse(st.receivedType != null ? st.receivedType : content.defaultDeviceType());
        }
        return st.deviceType;
    }

    /** A Delete to the device: the item was deleted on the server, or left the device's filter. */
    private static boolean removesFromDevice(PendingChange c) {
        return c.op() == PendingChange.Op.DELETE || c.op() == PendingChange.Op.REMOVE;
    }

    private ItemContent content(StoreSession st) {
        return contents.of(st.datastore);
    }

    // ------------------------------------------------------------------------------------------------------------
    // replies

    private Effect finish(SessionState s, SyncMessage reply, Outcome outcome) {
        MessageReport report = MessageReport.REPLAYED;
        if (s.work != null) {
            for (Command c : reply.commands()) {
                if (c instanceof Status st && st.cmd().equals("SyncHdr") && st.cmdRef().equals("0")) {
                    s.work.report.headerStatus = st.code();
                    break;
                }
            }
            if (outcome == Outcome.AUTH_FAILED) {
                s.work.report.failure = MessageReport.Failure.AUTH;
            } else if (outcome == Outcome.FAILED && s.work.report.failure == null) {
                s.work.report.failure = MessageReport.Failure.INTERNAL;
            }
            report = s.work.report.build();
        }
        s.lastRequest = s.work == null ? null : s.work.msg;
        s.lastReply = reply;
        s.lastOutcome = outcome;
        s.nextMsgId++;
        s.work = null;
        return new Effect.Reply(reply, outcome, report);
    }

    /**
     * The session's hold on its device for this message's batch (one sync of a device at a time): claimed by the
     * first batch that writes the device's sync state, renewed once half the lease has passed, released when the
     * session completes. A claim by the batch that completes the session lasts no time at all: it only checks that no
     * other session holds the device. Between renewals nothing is checked; a session silent for longer than half the
     * lease renews before its next write, so a session whose lease lapsed and was taken meanwhile is refused.
     */
    private WriteBatch.DeviceLease lease(SessionState s, BatchBuilder b) {
        int seconds = (int) config.deviceLease().toSeconds();
        if (!s.leaseHeld) {
            // claimed once per session: after its release (the sync completed) the session only finishes talking;
            // a resume (Alert 225) says the device's earlier session is over, however recently it was heard from
            s.resuming |= hasResume(s.work.msg);
            if (s.leaseAt != null || s.stage == Stage.FAILED || !b.writesSyncState()) {
                return null;
            }
            return new WriteBatch.DeviceLease(s.resuming ? WriteBatch.DeviceLease.Kind.TAKE_OVER
                    : WriteBatch.DeviceLease.Kind.CLAIM, s.key, s.work.completesSession ? 0 : seconds);
        }
        if (s.work.completesSession || s.stage == Stage.FAILED) {
            return new WriteBatch.DeviceLease(WriteBatch.DeviceLease.Kind.RELEASE, s.key, seconds);
        }
        if (s.leaseAt == null || s.leaseAt.plus(config.deviceLease().dividedBy(2)).isBefore(config.clock().instant())) {
            return new WriteBatch.DeviceLease(WriteBatch.DeviceLease.Kind.RENEW, s.key, seconds);
        }
        return null;
    }

    private int devInfSize(DevInf d, java.util.function.Function<DevInf, Results> results) {
        Integer known = devInfSizes.get(d);
        if (known != null) {
            return known;
        }
        int size = encoder.sizeOf(results.apply(d));
        if (devInfSizes.size() < DEVINF_CACHE_LIMIT) {
            devInfSizes.put(d, size);
        }
        return size;
    }

    /** A bug surfaced while handling {@code msg}: the session ends with 511 (server failure), writes rolled back. */
    Effect.Reply internalError(SessionState s, SyncMessage msg) {
        s.stage = Stage.FAILED;
        s.outbox.clear();
        if (s.version == null) {
            s.version = msg.header().version();
        }
        s.work = new Work(msg);
        return (Effect.Reply) finish(s, errorReply(s, msg, StatusCode.SERVER_FAILURE), Outcome.FAILED);
    }

    private Effect storeFailed(SessionState s, Throwable cause) {
        Work w = s.work;
        if (cause instanceof io.syncgw.engine.port.DeviceBusyException) {
            // another session of this device is in progress: nothing of this message was applied
            return deviceRefusedWith(s, StatusCode.SERVICE_UNAVAILABLE, MessageReport.Failure.DEVICE_BUSY,
                    "another sync of this device is in progress: try again when it has finished");
        }
        boolean transientFailure = cause instanceof StoreUnavailableException;
        if (transientFailure) {
            LOG.warn("session {}: store unavailable: {}", s.sessionId, cause.getMessage());
        } else {
            LOG.error("session {}: store operation failed", s.sessionId, cause);
        }
        s.stage = Stage.FAILED;
        s.outbox.clear();
        w.report.failure = transientFailure ? MessageReport.Failure.STORE_UNAVAILABLE
                : MessageReport.Failure.STORE_ERROR;
        int code = transientFailure ? StatusCode.SERVICE_UNAVAILABLE : StatusCode.SERVER_FAILURE;
        return finish(s, errorReply(s, w.msg, code), Outcome.FAILED);
    }

    /** A reply refusing the whole message with {@code code}: header status and one status per command. */
    private SyncMessage errorReply(SessionState s, SyncMessage msg, int code) {
        return Refusal.of(msg, code, Integer.toString(s.nextMsgId), s.respUri,
                Meta.EMPTY.withMaxMsgSize(config.maxMsgSize()).withMaxObjSize(config.maxObjSize()));
    }

    private SyncHeader replyHeader(SessionState s) {
        return new SyncHeader(s.version, s.sessionId, Integer.toString(s.nextMsgId), new Location(s.deviceUri,
                s.deviceName), Location.of(s.serverUri), s.respUri, false, null,
                Meta.EMPTY.withMaxMsgSize(config.maxMsgSize()).withMaxObjSize(config.maxObjSize()));
    }

    private static List<Command> buildAll(List<Outgoing> out) {
        List<Command> cmds = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            cmds.add(out.get(i).build(Integer.toString(i + 1)));
        }
        return cmds;
    }

    private static StatusDraft headerStatus(SyncMessage msg, int code, Chal chal) {
        SyncHeader h = msg.header();
        StatusDraft sd = new StatusDraft(h.msgId(), "0", "SyncHdr", List.of(h.target().locUri()),
                List.of(h.source().locUri()), code);
        sd.chal = chal;
        return sd;
    }

    private static StatusDraft status(SyncMessage msg, Command c, List<String> targets, List<String> sources,
                                      int code) {
        return new StatusDraft(msg.header().msgId(), c.cmdId(), c.name(), targets, sources, code);
    }

    private static StoreSession storeFor(SessionState s, String uri) {
        return Datastore.resolve(uri).map(d -> s.stores.get(d.id())).orElse(null);
    }

    /**
     * What the device's policy lets it receive of a datastore now: its contact categories, or its calendar window
     * (whole days around today, UTC).
     */
    private ItemFilter filterFor(DevicePolicy policy, Datastore ds) {
        if (!policy.filters(ds.id())) {
            return ItemFilter.NONE;
        }
        if (ds == Datastore.CONTACTS) {
            return new ItemFilter(lower(policy.contactCategories()), lower(policy.excludeCategories()), null, null);
        }
        java.time.Instant today = config.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        java.time.Instant from = policy.calendarPastDays() == null ? null
                : today.minus(java.time.Duration.ofDays(policy.calendarPastDays()));
        java.time.Instant to = policy.calendarFutureDays() == null ? null
                : today.plus(java.time.Duration.ofDays(policy.calendarFutureDays() + 1L));
        return new ItemFilter(List.of(), List.of(), from, to);
    }

    private static List<String> lower(List<String> categories) {
        return categories.stream().map(c -> c.trim().toLowerCase(java.util.Locale.ROOT)).filter(c -> !c.isEmpty())
                .distinct().toList();
    }

    /** Used by tests and the session for stable anchors. */
    static String anchorOf(java.time.Instant t) {
        return ANCHOR_FORMAT.format(t);
    }

    /** All outgoing commands as they were packed (tests). */
    static Map<String, Sent> awaiting(SessionState s) {
        return Map.copyOf(s.awaiting);
    }
}
