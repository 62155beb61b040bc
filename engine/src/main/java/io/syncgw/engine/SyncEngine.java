package io.syncgw.engine;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.port.SyncStore;
import io.syncgw.engine.session.SessionMachine;
import io.syncgw.engine.session.SyncSession;
import io.syncgw.engine.session.SyncSessions;
import io.syncgw.engine.sync.ContactContent;
import reactor.core.scheduler.Scheduler;

/**
 * The engine's front door: creates session actors that share one {@link SessionMachine} and one store.
 */
public final class SyncEngine {
    private final EngineConfig config;
    private final SessionMachine machine;
    private final SyncStore store;
    private final Scheduler cpu;

    /**
     * @param encoder the wire encoding of the sessions (sizes replies to the client's MaxMsgSize)
     * @param cpu     where CPU-heavy work (password hashing) runs, off the event loops
     */
    public SyncEngine(EngineConfig config, SyncStore store, SyncMlEncoder encoder, NonceSource nonces,
                      Scheduler cpu) {
        this(config, store, encoder, nonces, null, cpu);
    }

    /**
     * @param credentials opens the sealed passwords SyncML 1.0 MD5 logins need; null disables those logins
     */
    public SyncEngine(EngineConfig config, SyncStore store, SyncMlEncoder encoder, NonceSource nonces,
                      CredentialCipher credentials, Scheduler cpu) {
        this.config = config;
        this.store = store;
        this.cpu = cpu;
        this.machine = new SessionMachine(config, encoder, nonces, new ContactContent(), credentials);
    }

    /** A new session whose replies name {@code respUri} as the address of its next messages. */
    public SyncSession newSession(String respUri) {
        return SyncSessions.create(respUri, machine, store, cpu, config.clock());
    }

    public EngineConfig config() {
        return config;
    }
}
