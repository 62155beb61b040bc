package io.syncgw.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Self-service sessions, sign-in failures and the admin token against a real PostgreSQL. */
class WebSessionsIT {

    private static final Duration T = Duration.ofSeconds(30);

    private static DatabaseConfig config;
    private static Database db;
    private static WebSessions web;
    private static long accountId;

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        db = Database.open(config);
        new Migrator(db.connectionFactory()).migrate().block(T);
        accountId = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).add("web", "pw").block(T);
        web = new WebSessions(db.connectionFactory(), Duration.ofMinutes(30), Duration.ofHours(12));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void aSessionLivesUntilItEndsOrIdlesOut() {
        assertThat(web.credentials("web").block(T)).satisfies(c -> {
            assertThat(c.accountId()).isEqualTo(accountId);
            assertThat(PasswordHasher.verify("pw", c.passwordHash())).isTrue();
        });
        assertThat(web.credentials("nobody").block(T)).isNull();

        web.create("tok-1", accountId, "csrf-1").block(T);
        assertThat(web.touch("tok-1").block(T)).isEqualTo(new WebSessions.Session(accountId, "web", "csrf-1"));
        assertThat(web.touch("tok-2").block(T)).isNull();
        assertThat(web.touch("").block(T)).isNull();
        web.end("tok-1").block(T);
        assertThat(web.touch("tok-1").block(T)).isNull();

        web.create("tok-idle", accountId, "c").block(T);
        TestPostgres.jdbc(config.port(), config.database(),
                "update web_session set last_seen = now() - interval '31 minutes'");
        assertThat(web.touch("tok-idle").block(T)).as("idle for longer than 30 minutes").isNull();

        web.create("tok-old", accountId, "c").block(T);
        TestPostgres.jdbc(config.port(), config.database(),
                "update web_session set created_at = now() - interval '13 hours'");
        assertThat(web.touch("tok-old").block(T)).as("older than 12 hours").isNull();
        // expired sessions are dropped as new ones are made; the token itself is never stored
        web.create("tok-new", accountId, "c").block(T);
        assertThat(web.touch("tok-new").block(T)).isNotNull();
    }

    @Test
    void signInFailuresBlockAKeyForTheRestOfTheWindow() {
        List<String> keys = List.of(WebSessions.loginKey("Limited"), WebSessions.addressKey("192.0.2.7"));
        Duration window = Duration.ofMinutes(15);
        for (int i = 0; i < 4; i++) {
            assertThat(web.blockedFor(keys, 5, window).block(T)).isZero();
            web.recordFailure(keys, window).block(T);
        }
        assertThat(web.blockedFor(List.of(WebSessions.loginKey("limited")), 5, window).block(T)).isZero();
        web.recordFailure(List.of(WebSessions.loginKey("LIMITED")), window).block(T);
        Duration blocked = web.blockedFor(keys, 5, window).block(T);
        assertThat(blocked).isPositive().isLessThanOrEqualTo(window);
        assertThat(web.blockedFor(List.of(WebSessions.addressKey("192.0.2.7")), 5, window).block(T)).isZero();
        web.clearFailures(WebSessions.loginKey("limited")).block(T);
        assertThat(web.blockedFor(keys, 5, window).block(T)).isZero();
        // failures older than the window do not count
        web.recordFailure(List.of("ip:old"), window).block(T);
        TestPostgres.jdbc(config.port(), config.database(),
                "update web_signin_failure set failed_at = now() - interval '16 minutes' where key = 'ip:old'");
        assertThat(web.blockedFor(List.of("ip:old"), 1, window).block(T)).isZero();
    }

    @Test
    void theAdminTokenIsGeneratedOnceAndSharedByEveryNode() {
        AdminTokens tokens = new AdminTokens(db.connectionFactory());
        AdminTokens.Issued first = tokens.getOrCreate().block(T);
        AdminTokens.Issued second = new AdminTokens(db.connectionFactory()).getOrCreate().block(T);
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.token()).isEqualTo(first.token());
        assertThat(first.token()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(first.toString()).doesNotContain(first.token());
    }
}
