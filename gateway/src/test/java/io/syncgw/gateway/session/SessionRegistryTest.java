package io.syncgw.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.session.Effect;
import io.syncgw.engine.session.SyncSession;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** Tokens, lookup and expiry of sessions, with a clock the test moves. */
class SessionRegistryTest {
    /** A clock that only moves when told. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private InMemorySyncStore store;
    private SessionRegistry registry;

    @BeforeEach
    void setUp() {
        store = new InMemorySyncStore();
        store.addAccount("alice", "secret");
        SyncEngine engine = new SyncEngine(EngineConfig.DEFAULT.withClock(clock), store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), Schedulers.immediate());
        registry = new SessionRegistry(engine, Duration.ofMinutes(5), 3, clock);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    /** Starts a session with the first message of a slow sync; returns its token. */
    private String lastRespUri;

    private String startOne(String device) {
        SessionRegistry.Created created = registry.create("http://gw/sync").orElseThrow();
        TestClient c = new TestClient(device, "alice", "secret");
        c.addLocal("x", Cards.v30(1, 1));
        try {
            c.syncOver(AlertCode.SLOW_SYNC, bytes -> {
                SyncSession s = created.session();
                Effect.Reply r = s.handle(TestClient.roundTrip(bytes)).block(Duration.ofSeconds(10));
                registry.replied(created.token(), r.outcome());
                lastRespUri = r.message().header().respUri();
                throw new IllegalStateException("only the first message");
            });
        } catch (IllegalStateException expected) {
            // one message is enough: the session is now live and mid-sync
        }
        return created.token();
    }

    @Test
    void tokensAreUnguessableAndDistinct() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String t = registry.create("http://gw/sync").orElseThrow().token();
            assertThat(t).matches("[A-Za-z0-9_-]{22}");
            tokens.add(t);
        }
        assertThat(tokens).hasSize(3);
        assertThat(registry.find("nope")).isEmpty();
        assertThat(registry.find(null)).isEmpty();
    }

    @Test
    void idleSessionsExpireAndAreReleased() {
        String token = startOne("dev-a");
        assertThat(registry.find(token)).isPresent();
        clock.advance(Duration.ofMinutes(4));
        registry.sweep();
        assertThat(registry.find(token)).as("4 minutes idle: still there").isPresent();
        clock.advance(Duration.ofMinutes(2));
        registry.sweep();
        assertThat(registry.find(token)).isEmpty();
        assertThat(registry.size()).isZero();
        assertThat(registry.expiredCount()).isEqualTo(1);
    }

    @Test
    void finishedSessionsAreKeptBrieflyForReplaysThenDropped() {
        String token = registry.create("http://gw/sync").orElseThrow().token();
        registry.replied(token, Effect.Outcome.COMPLETED);
        clock.advance(Duration.ofSeconds(30));
        registry.sweep();
        assertThat(registry.find(token)).isPresent();
        clock.advance(Duration.ofSeconds(31));
        registry.sweep();
        assertThat(registry.find(token)).isEmpty();
        assertThat(registry.expiredCount()).isZero();
    }

    @Test
    void aDrainingNodeWaitsBrieflyForTheClientsAcknowledgementOfACompletedSync() {
        String acked = registry.create("http://gw/sync").orElseThrow().token();
        String silent = registry.create("http://gw/sync").orElseThrow().token();
        String failed = registry.create("http://gw/sync").orElseThrow().token();
        assertThat(registry.unfinished()).isEqualTo(3);
        registry.replied(acked, Effect.Outcome.CONTINUE);
        registry.replied(failed, Effect.Outcome.CONTINUE);
        assertThat(registry.unfinished()).isEqualTo(3);
        registry.replied(acked, Effect.Outcome.COMPLETED);
        registry.replied(silent, Effect.Outcome.COMPLETED);
        registry.replied(failed, Effect.Outcome.FAILED);
        // completed: the client may still acknowledge the last package; a failed session has nothing more to say
        assertThat(registry.unfinished()).isEqualTo(2);
        registry.replied(acked, Effect.Outcome.COMPLETED); // the acknowledgement, answered
        assertThat(registry.unfinished()).isEqualTo(1);
        clock.advance(SessionRegistry.LAST_WORD.plusMillis(1));
        assertThat(registry.unfinished()).as("a client that never acknowledges is not waited for").isZero();
    }

    @Test
    void aFullNodeRefusesNewSessions() {
        for (int i = 0; i < 3; i++) {
            assertThat(registry.create("http://gw/sync")).isPresent();
        }
        assertThat(registry.create("http://gw/sync")).isEmpty();
    }

    @Test
    void finishedSessionsDoNotCountAgainstTheLiveLimit() {
        // a node at a sustained rate holds rate x grace finished sessions: they must not make it refuse new ones
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 3; i++) {
                String t = registry.create("http://gw/sync").orElseThrow().token();
                assertThat(registry.replied(t, Effect.Outcome.COMPLETED)).isTrue();
            }
        }
        assertThat(registry.live()).isZero();
        assertThat(registry.create("http://gw/sync")).isPresent();
        assertThat(registry.create("http://gw/sync")).isPresent();
        assertThat(registry.create("http://gw/sync")).isPresent();
        assertThat(registry.live()).isEqualTo(3);
        assertThat(registry.create("http://gw/sync")).as("3 live: full").isEmpty();
    }

    @Test
    void finishedSessionsKeptForReplaysAreBoundedOldestFirst() {
        String[] t = new String[5];
        for (int i = 0; i < t.length; i++) {
            t[i] = registry.create("http://gw/sync").orElseThrow().token();
            registry.replied(t[i], Effect.Outcome.COMPLETED);
            clock.advance(Duration.ofSeconds(1));
        }
        // at most maxSessions (3) finished ones are kept: the two that finished first are gone, without a sweep
        assertThat(registry.find(t[0])).isEmpty();
        assertThat(registry.find(t[1])).isEmpty();
        assertThat(registry.find(t[2])).isPresent();
        assertThat(registry.find(t[4])).isPresent();
        assertThat(registry.size()).isEqualTo(3);
        assertThat(registry.live()).isZero();
        assertThat(registry.retained()).isEqualTo(3);
    }

    @Test
    void finishedSessionsLeaveAfterTheirGraceAsOthersFinish() {
        String first = registry.create("http://gw/sync").orElseThrow().token();
        String live = registry.create("http://gw/sync").orElseThrow().token();
        registry.replied(first, Effect.Outcome.FAILED);
        clock.advance(Duration.ofSeconds(61));
        String next = registry.create("http://gw/sync").orElseThrow().token();
        registry.replied(next, Effect.Outcome.COMPLETED);
        assertThat(registry.find(first)).as("past its minute of grace: dropped when the next one finished").isEmpty();
        assertThat(registry.find(next)).isPresent();
        assertThat(registry.find(live)).as("a live session is not touched").isPresent();
        assertThat(registry.live()).isEqualTo(1);
        assertThat(registry.retained()).isEqualTo(1);
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void aSessionThatExpiresIsCountedOnceEvenIfItFinishesLater() {
        String token = registry.create("http://gw/sync").orElseThrow().token();
        clock.advance(Duration.ofMinutes(6));
        registry.sweep();
        assertThat(registry.find(token)).isEmpty();
        assertThat(registry.live()).isZero();
        assertThat(registry.replied(token, Effect.Outcome.COMPLETED)).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(registry.create("http://gw/sync")).isPresent();
        }
        assertThat(registry.live()).isEqualTo(3);
    }

    @Test
    void theFirstReplysRespUriCarriesTheToken() {
        String token = startOne("dev-b");
        assertThat(lastRespUri).isEqualTo("http://gw/sync?s=" + token);
    }
}
