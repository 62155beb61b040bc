package io.syncgw.engine;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.port.SyncStore;
import io.syncgw.engine.session.SessionMachine;
import io.syncgw.engine.session.SyncSession;
import io.syncgw.engine.session.SyncSessions;
import io.syncgw.engine.sync.ItemContents;
import reactor.core.scheduler.Scheduler;

/**
 * The engine's front door: creates session actors that share one {@link SessionMachine} and one store.
 */
public final class SyncEngine {
    private final EngineConfig config;
    private final java.util.Map<String, SessionMachine> machines = new java.util.HashMap<>();
    private final SessionMachine defaultMachine;
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
        this(config, store, java.util.List.of(encoder), nonces, credentials, cpu);
    }

    /**
     * @param encoders the wire encodings sessions may use (XML, WBXML); replies are sized in the session's encoding.
     *                 The first is the default.
     */
    public SyncEngine(EngineConfig config, SyncStore store, java.util.List<SyncMlEncoder> encoders, NonceSource nonces,
                      CredentialCipher credentials, Scheduler cpu) {
        this.config = config;
        this.store = store;
        this.cpu = cpu;
        ItemContents contents = ItemContents.standard();
        for (SyncMlEncoder e : encoders) {
            machines.put(e.contentType(), new SessionMachine(config, e, nonces, contents, credentials));
        }
        this.defaultMachine = machines.get(encoders.get(0).contentType());
    }

    /** A new session in the default encoding whose replies name {@code respUri} as the address of its next messages. */
    public SyncSession newSession(String respUri) {
        return SyncSessions.create(respUri, defaultMachine, store, cpu, config.clock());
    }

    /** A new session whose replies are encoded (and sized) as {@code contentType}. */
    public SyncSession newSession(String respUri, String contentType) {
        SessionMachine m = machines.get(contentType);
        if (m == null) {
            throw new IllegalArgumentException("no encoder for " + contentType);
        }
        return SyncSessions.create(respUri, m, store, cpu, config.clock());
    }

    public EngineConfig config() {
        return config;
    }
}
