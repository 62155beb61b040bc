package io.syncgw.gateway.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.session.Effect;
import io.syncgw.engine.session.SyncSession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The sessions this node serves, by token. A token is 128 random bits (base64url), handed to the client in the
 * RespURI of the first reply; it is the only key to a session, so it cannot be guessed from what a device sends.
 * A session expires after {@code idleTimeout} without messages; a finished session is kept a little longer so that a
 * client that missed the last reply can still get it replayed. Expired sessions are closed and dropped, releasing
 * their memory.
 *
 * <p>{@code maxSessions} bounds the live sessions (not finished yet). The finished ones kept for replays are bounded
 * apart, by the same number, and leave in the order they finished, checked whenever another one finishes: counted
 * with the live ones and left to the periodic sweep, a minute's worth of finished sessions at a sustained 550/s made a
 * node answer every new session 503 while it served few. When more finished within the grace period, the oldest go
 * first (a late resend of theirs is answered like one to an expired session: 408, and the client starts anew).
 */
public final class SessionRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    /**
     * DRBG, seeded once when the class loads: generating tokens then never reads the entropy device, so it can run
     * on an event loop.
     */
    private static final SecureRandom RANDOM = drbg();

    private final SyncEngine engine;
    private final String tokenPrefix;
    private final Duration idleTimeout;
    private final Duration finishedGrace;
    private final int maxSessions;
    private final Clock clock;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    /** Token of the session a device's SyncML session id started, for replaying a resent first message. */
    private final Map<String, String> startedBy = new ConcurrentHashMap<>();
    /** Entries not finished yet: what {@code maxSessions} bounds. */
    private final AtomicInteger live = new AtomicInteger();
    /** Finished entries still kept for replays. */
    private final AtomicInteger finished = new AtomicInteger();
    /**
     * Tokens of finished sessions in the order they finished (some may have been dropped already by a sweep); guarded
     * by itself: one short step per finished session.
     */
    private final Queue<String> finishOrder = new ArrayDeque<>();
    private final AtomicInteger expired = new AtomicInteger();
    private final Disposable sweeper;

    /**
     * How long after its sync completed a session may still hear from its client: SyncEvolution (and other Synthesis
     * based clients) acknowledge the server's last package with one more message, sent at once. A node that exits
     * before it arrives fails that session in the client's eyes although everything was committed.
     */
    static final Duration LAST_WORD = Duration.ofSeconds(3);

    private static final class Entry {
        final SyncSession session;
        volatile Instant finishedAt;
        /** The sync completed (rather than failed) with the reply that finished the session. */
        volatile boolean completed;
        /** A message arrived after the one that finished the session (the client's acknowledgement). */
        volatile boolean heardAfter;
        volatile String startKey;
        /** Dropped from the registry (guarded by the entry's lock, with {@link #finishedAt}'s first setting). */
        boolean dropped;

        Entry(SyncSession session) {
            this.session = session;
        }
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom r = SecureRandom.getInstance("DRBG");
            r.nextBytes(new byte[16]);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom", e);
        }
    }

    public SessionRegistry(SyncEngine engine, Duration idleTimeout, int maxSessions, Clock clock) {
        this(engine, idleTimeout, maxSessions, clock, "");
    }

    /**
     * @param tokenPrefix what every token starts with: the node's id and a dot in a cluster (tokens name the node
     *                    that holds the session), empty on a single node
     */
    public SessionRegistry(SyncEngine engine, Duration idleTimeout, int maxSessions, Clock clock, String tokenPrefix) {
        this.tokenPrefix = tokenPrefix;
        this.engine = engine;
        this.idleTimeout = idleTimeout;
        this.finishedGrace = idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 ? idleTimeout : Duration.ofMinutes(1);
        this.maxSessions = maxSessions;
        this.clock = clock;
        Duration every = idleTimeout.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : idleTimeout.dividedBy(10);
        this.sweeper = Flux.interval(every, every, Schedulers.parallel()).subscribe(t -> sweep());
    }

    /** A new session in the default encoding, or empty when this node already serves {@code maxSessions} live ones. */
    public Optional<Created> create(String respUriBase) {
        return create(respUriBase, null);
    }

    /**
     * A new session whose replies are encoded as {@code contentType} (null: the engine's default), or empty when this
     * node already serves {@code maxSessions} live ones.
     */
    public Optional<Created> create(String respUriBase, String contentType) {
        if (live.get() >= maxSessions) {
            return Optional.empty();
        }
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String token = tokenPrefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String sep = respUriBase.contains("?") ? "&" : "?";
        String respUri = respUriBase + sep + "s=" + token;
        SyncSession s = contentType == null ? engine.newSession(respUri) : engine.newSession(respUri, contentType);
        live.incrementAndGet();
        sessions.put(token, new Entry(s));
        return Optional.of(new Created(token, s));
    }

    public record Created(String token, SyncSession session) {
    }

    /** Remembers that {@code first} started the session {@code token}. */
    public void started(String token, SyncMessage first) {
        Entry e = sessions.get(token);
        if (e != null) {
            e.startKey = startKey(first);
            startedBy.put(e.startKey, token);
        }
    }

    /**
     * The live session whose first message {@code msg} repeats exactly (same device, SyncML session id and content)
     * while that session has answered nothing else yet; empty otherwise.
     */
    public Optional<Created> findStartedBy(SyncMessage msg) {
        String token = startedBy.get(startKey(msg));
        Entry e = token == null ? null : sessions.get(token);
        if (e == null || !e.session.repeats(msg)) {
            return Optional.empty();
        }
        return Optional.of(new Created(token, e.session));
    }

    private static String startKey(SyncMessage m) {
        return m.header().source().locUri() + "\u0000" + m.header().sessionId();
    }

    public Optional<SyncSession> find(String token) {
        Entry e = token == null ? null : sessions.get(token);
        return e == null ? Optional.empty() : Optional.of(e.session);
    }

    /**
     * Called after each reply: a session that ended is kept only for replaying its last reply.
     *
     * @return true for the reply that ended the session (once per session)
     */
    public boolean replied(String token, Effect.Outcome outcome) {
        Entry e = sessions.get(token);
        if (e == null) {
            return false;
        }
        if (outcome == Effect.Outcome.CONTINUE && e.finishedAt == null) {
            return false;
        }
        Instant now = clock.instant();
        synchronized (e) {
            if (e.finishedAt != null) {
                e.heardAfter = true;
                return false;
            }
            e.completed = outcome == Effect.Outcome.COMPLETED;
            e.finishedAt = now;
            if (e.dropped) {
                return true; // expired while answering its last message: already uncounted
            }
            live.decrementAndGet();
            finished.incrementAndGet();
        }
        synchronized (finishOrder) {
            finishOrder.add(token);
        }
        dropFinished(now);
        return true;
    }

    /**
     * Drops finished sessions from the head of the finish order while they are past the grace period or more than
     * {@code maxSessions} are kept; tokens of entries dropped otherwise (sweep, close) are skipped.
     */
    private void dropFinished(Instant now) {
        Instant graceFrom = now.minus(finishedGrace);
        while (true) {
            String token;
            Entry e;
            synchronized (finishOrder) {
                token = finishOrder.peek();
                if (token == null) {
                    return;
                }
                e = sessions.get(token);
                if (e != null && finished.get() <= maxSessions && !e.finishedAt.isBefore(graceFrom)) {
                    return; // the oldest finished one is still within its grace: so are all after it
                }
                finishOrder.remove();
            }
            if (e != null) {
                drop(token, e);
            }
        }
    }

    /** Removes {@code e} from the registry and its counts, once, and stops its session. */
    private boolean drop(String token, Entry e) {
        synchronized (e) {
            if (e.dropped) {
                return false;
            }
            e.dropped = true;
            if (e.finishedAt == null) {
                live.decrementAndGet();
            } else {
                finished.decrementAndGet();
            }
        }
        sessions.remove(token, e);
        e.session.close();
        if (e.startKey != null) {
            startedBy.remove(e.startKey, token);
        }
        return true;
    }

    /** Every session this node holds: live ones and finished ones kept for replays. */
    public int size() {
        return sessions.size();
    }

    /** Sessions that have not finished: what {@code maxSessions} bounds, and what the active-sessions gauge shows. */
    public int live() {
        return live.get();
    }

    /** Finished sessions still kept for replaying their last reply. */
    public int retained() {
        return finished.get();
    }

    /**
     * Sessions whose client may still send a message: those that have not ended, and those whose sync completed less
     * than {@link #LAST_WORD} ago without the client's acknowledgement yet (finished ones are kept a while longer for
     * replays, not counted here). A draining node waits for these.
     */
    public int unfinished() {
        Instant lastWordFrom = clock.instant().minus(LAST_WORD);
        int n = 0;
        for (Entry e : sessions.values()) {
            if (e.finishedAt == null || e.completed && !e.heardAfter && e.finishedAt.isAfter(lastWordFrom)) {
                n++;
            }
        }
        return n;
    }

    public int expiredCount() {
        return expired.get();
    }

    /** Drops idle sessions, and finished ones past their grace (also dropped as others finish). */
    public void sweep() {
        Instant now = clock.instant();
        for (Map.Entry<String, Entry> en : sessions.entrySet()) {
            Entry e = en.getValue();
            if (e.finishedAt == null && e.session.lastActivity().plus(idleTimeout).isBefore(now)
                    && drop(en.getKey(), e)) {
                expired.incrementAndGet();
                LOG.info("session of device '{}' expired after {} idle", e.session.deviceUri(), idleTimeout);
            }
        }
        dropFinished(now);
    }

    @Override
    public void close() {
        sweeper.dispose();
        sessions.forEach(this::drop);
        synchronized (finishOrder) {
            finishOrder.clear();
        }
        startedBy.clear();
    }
}
