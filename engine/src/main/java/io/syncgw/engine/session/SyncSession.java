package io.syncgw.engine.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.DeviceBusyException;
import io.syncgw.engine.port.PendingRead;
import io.syncgw.engine.port.SyncStore;
import io.syncgw.engine.port.WriteBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * The actor of one SyncML session: it owns the session's {@link SessionState}, takes the session's messages through
 * a mailbox strictly one after the other, and runs the effects the {@link SessionMachine} asks for against the
 * {@link SyncStore}. Nothing here blocks: store calls are reactive and the password check runs on a CPU scheduler.
 */
public final class SyncSession {
    private static final Logger LOG = LoggerFactory.getLogger(SyncSession.class);
    private static final long BUSY_RETRY_MILLIS = 250;

    private final SessionState state;
    private final SessionMachine machine;
    private final SyncStore store;
    private final Scheduler cpu;
    private final Clock clock;
    /**
     * A client sends its next message only after the reply to the last one (a resend may overlap it): the mailbox holds
     * one or two tasks, so its queue grows in links of 8, not Reactor's default 256 slots (a kilobyte per session, kept
     * by every open session and by finished ones held for replays).
     */
    private final Sinks.Many<Task> mailbox = Sinks.many().unicast()
            .onBackpressureBuffer(Queues.<Task>unbounded(8).get());
    private final AtomicReference<Instant> lastActivity;
    private volatile Effect.Outcome lastOutcome = Effect.Outcome.CONTINUE;

    private record Task(SyncMessage message, Sinks.One<Effect.Reply> result) {
    }

    SyncSession(String respUri, SessionMachine machine, SyncStore store, Scheduler cpu, Clock clock) {
        this.state = new SessionState(respUri);
        this.machine = machine;
        this.store = store;
        this.cpu = cpu;
        this.clock = clock;
        this.lastActivity = new AtomicReference<>(clock.instant());
        // Each message's processing runs as its own subscription: concatMap keeps the subscription of its last inner
        // publisher until the next one starts, so a session waiting for its next message (think time, or kept for a
        // resend replay) held its whole last chain of store calls, R2DBC statements and row metadata included (a
        // third of the heap per open session in the IdleHandsets load test). The sink handed to concatMap refers to
        // nothing of that chain.
        mailbox.asFlux()
                .concatMap(t -> Mono.<Effect.Reply>create(sink -> process(t.message()).subscribe(sink::success,
                                sink::error, () -> sink.success()))
                        .doOnNext(r -> t.result().tryEmitValue(r))
                        .doOnError(e -> t.result().tryEmitError(e))
                        .onErrorResume(e -> Mono.empty()), 1)
                .subscribe();
    }

    /**
     * Handles one message of this session, after every message submitted before it. The reply never errors: store
     * failures and bugs become SyncML error statuses.
     */
    public Mono<Effect.Reply> handle(SyncMessage message) {
        return Mono.defer(() -> {
            lastActivity.set(clock.instant());
            Sinks.One<Effect.Reply> result = Sinks.one();
            Sinks.EmitResult r = mailbox.tryEmitNext(new Task(message, result));
            if (r.isFailure()) {
                return Mono.error(new IllegalStateException("session mailbox refused a message: " + r));
            }
            return result.asMono();
        });
    }

    /**
     * True when {@code message} is exactly the last message this session answered: a resend, which the session
     * answers by replaying its reply.
     */
    public boolean repeats(SyncMessage message) {
        return message.equals(state.lastRequest);
    }

    /** When the session last received a message (for expiry). */
    public Instant lastActivity() {
        return lastActivity.get();
    }

    /** How the session stood after its last reply. */
    public Effect.Outcome outcome() {
        return lastOutcome;
    }

    /** The client's device id, once the first message was seen. */
    public String deviceUri() {
        return state.deviceUri;
    }

    /** The state this session's machine works on (tests of the same package look at it). */
    SessionState state() {
        return state;
    }

    /** Stops taking messages; messages already queued are still answered. */
    public void close() {
        mailbox.tryEmitComplete();
    }

    private Mono<Effect.Reply> process(SyncMessage message) {
        return Mono.defer(() -> run(withContext(message, () -> machine.onMessage(state, message))))
                .onErrorResume(e -> {
                    LOG.error("session {}: internal error handling message {}", state.sessionId,
                            message.header().msgId(), e);
                    return Mono.just(machine.internalError(state, message));
                })
                .doOnNext(r -> lastOutcome = r.outcome());
    }

    private Mono<Effect.Reply> run(Effect effect) {
        if (effect instanceof Effect.Reply reply) {
            return Mono.just(reply);
        }
        return execute(effect)
                .onErrorResume(e -> Mono.just(new Event.StoreFailed(e)))
                .flatMap(event -> run(withContext(null, () -> machine.onEvent(state, event))));
    }

    /**
     * Runs a step of the machine with the session and device in the logging context (MDC keys {@code session} and
     * {@code device}), so every log line of the step carries them: the correlation an operator greps for.
     */
    private Effect withContext(SyncMessage message, java.util.function.Supplier<Effect> step) {
        String device = state.deviceUri != null ? state.deviceUri
                : message == null ? null : message.header().source().locUri();
        String session = state.sessionId != null ? state.sessionId
                : message == null ? null : message.header().sessionId();
        org.slf4j.MDC.put("device", device == null ? "-" : device);
        org.slf4j.MDC.put("session", session == null ? "-" : session);
        try {
            return step.get();
        } finally {
            org.slf4j.MDC.remove("device");
            org.slf4j.MDC.remove("session");
        }
    }

    /**
     * Writes {@code batch}; when it claims the device and another session holds it, tries again every
     * {@value #BUSY_RETRY_MILLIS} ms for up to {@link io.syncgw.engine.EngineConfig#deviceBusyWait()}. A holder that
     * went silent (its node was killed, its connection cut, its client gave up) lets go when its lease lapses, so the
     * client's next session goes on after a short wait instead of being told busy; a holder still talking renews its
     * lease and the claim is refused in the end. Between tries nothing is held: each try is its own transaction and a
     * refused one wrote nothing.
     */
    private <T> Mono<T> waitingForTheDevice(WriteBatch batch, Mono<T> write) {
        java.time.Duration wait = machine.config().deviceBusyWait();
        if (batch.lease() == null || batch.lease().kind() != WriteBatch.DeviceLease.Kind.CLAIM
                || wait.toMillis() < BUSY_RETRY_MILLIS) {
            return write;
        }
        return write.retryWhen(reactor.util.retry.Retry
                .fixedDelay(wait.toMillis() / BUSY_RETRY_MILLIS, java.time.Duration.ofMillis(BUSY_RETRY_MILLIS))
                .filter(DeviceBusyException.class::isInstance)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private Mono<Event> execute(Effect e) {
        if (e instanceof Effect.LookupAccount a) {
            return store.lookupAccount(a.login(), a.deviceUri(), a.nextNonce(), a.digest(), a.settled())
                    .map(Event.AccountLookedUp::new);
        }
        if (e instanceof Effect.CheckPassword p) {
            return Mono.fromCallable(() -> (Event) new Event.PasswordChecked(
                    PasswordHasher.verify(p.password(), p.passwordHash()))).subscribeOn(cpu);
        }
        if (e instanceof Effect.RegisterDevice r) {
            return store.registerDevice(r.accountId(), r.deviceUri(), r.maxDevices()).map(Event.DeviceRegistered::new);
        }
        if (e instanceof Effect.LoadAnchors a) {
            return store.loadAnchors(a.deviceId()).map(Event.AnchorsLoaded::new);
        }
        if (e instanceof Effect.LoadDevInf d) {
            return store.loadDevInf(d.deviceId()).map(x -> (Event) new Event.DevInfLoaded(x))
                    .defaultIfEmpty(new Event.DevInfLoaded(null));
        }
        if (e instanceof Effect.LookupItems l) {
            return store.lookupItems(l.accountId(), l.deviceId(), l.datastore(), l.luids(), l.twinKeys(),
                            l.baseHashes())
                    .map(f -> new Event.ItemsLookedUp(l.datastore(), f));
        }
        if (e instanceof Effect.Write w && w.then() != null) {
            Effect.LoadPending p = w.then();
            return waitingForTheDevice(w.batch(), store.write(w.batch(),
                            new PendingRead(p.datastore(), p.filter(), p.contentBudget())))
                    .map(r -> new Event.Written(r.result(), new Event.PendingLoaded(p.datastore(), r.pending())));
        }
        if (e instanceof Effect.Write w) {
            return waitingForTheDevice(w.batch(), store.write(w.batch())).map(Event.Written::new);
        }
        if (e instanceof Effect.LoadPending p) {
            return store.pendingChanges(p.accountId(), p.deviceId(), p.datastore(), p.filter(), p.contentBudget())
                    .map(c -> new Event.PendingLoaded(p.datastore(), c));
        }
        if (e instanceof Effect.LoadItems l) {
            return store.loadItems(l.accountId(), l.itemIds()).map(Event.ItemsLoaded::new);
        }
        if (e instanceof Effect.LoadChunks c) {
            return store.loadChunks(c.deviceId(), c.datastore(), c.luid())
                    .map(d -> (Event) new Event.ChunksLoaded(c.datastore(), c.luid(), d))
                    .defaultIfEmpty(new Event.ChunksLoaded(c.datastore(), c.luid(), ""));
        }
        return Mono.error(new IllegalStateException("unknown effect " + e));
    }
}
