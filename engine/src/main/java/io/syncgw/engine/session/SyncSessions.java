package io.syncgw.engine.session;

import io.syncgw.engine.port.SyncStore;
import java.time.Clock;
import reactor.core.scheduler.Scheduler;

/** Creates session actors (the constructor stays package-private: sessions come from the engine). */
public final class SyncSessions {
    private SyncSessions() {
    }

    public static SyncSession create(String respUri, SessionMachine machine, SyncStore store, Scheduler cpu,
                                     Clock clock) {
        return new SyncSession(respUri, machine, store, cpu, clock);
    }
}
