package io.syncgw.persistence.secret;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.persistence.Database;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ServerSecretsIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static Database db;

    @BeforeAll
    static void start() {
        db = TestPostgres.migratedDatabase();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void createdOnceAndTheSameForEveryone() {
        ServerSecrets secrets = new ServerSecrets(db);
        byte[] first = secrets.getOrCreate("session-key").block(T);
        assertThat(first).hasSize(32);
        assertThat(new ServerSecrets(db).getOrCreate("session-key").block(T)).isEqualTo(first);
        assertThat(secrets.getOrCreate("other").block(T)).isNotEqualTo(first);
    }

    @Test
    void nodesRacingForTheFirstSecretAllGetTheWinnersValue() {
        List<byte[]> all = Flux.range(0, 12)
                .flatMap(i -> new ServerSecrets(db).getOrCreate("raced", 48), 12)
                .collectList().block(T);
        assertThat(all).hasSize(12).allSatisfy(b -> assertThat(b).hasSize(48).isEqualTo(all.get(0)));
    }
}
