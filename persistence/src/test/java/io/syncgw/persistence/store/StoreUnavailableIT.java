package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.engine.port.StoreUnavailableException;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.embedded.EmbeddedDatabase;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.Batch;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A database that is gone, unreachable or out of connections makes the store report itself unavailable. */
class StoreUnavailableIT {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void aStoppedDatabaseMakesEveryCallFailAsUnavailable() {
        Path dir = TestPostgres.tempDir("syncgw-throwaway-");
        EmbeddedDatabase throwaway = EmbeddedDatabase.start(dir);
        try (Database db = Database.open(throwaway.config())) {
            new Migrator(db.connectionFactory()).migrate().block(T);
            R2dbcSyncStore store = new R2dbcSyncStore(db);
            long acc = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).add("u", "p").block(T);
            long dev = store.registerDevice(acc, "d").block(T).id();
            assertThat(store.lookupAccount("u", "d").block(T).device()).isNotNull();

            throwaway.close(); // pooled connections are now closed by the server

            long started = System.nanoTime();
            assertThatThrownBy(() -> store.lookupAccount("u", "d").block(T))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("database unavailable");
            assertThatThrownBy(() -> store.write(Batch.of(acc, dev).nonce("n").build()).block(T))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.pendingChanges(acc, dev, "contacts", io.syncgw.engine.port.ItemFilter.NONE).block(T))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> db.ping().block(T)).isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("fails fast, no hanging")
                    .isLessThan(Duration.ofSeconds(15));

            // the database comes back (same directory, same port): the same pool recovers
            EmbeddedDatabase restarted = EmbeddedDatabase.start(dir);
            try {
                assertThat(restarted.port()).isEqualTo(throwaway.port());
                assertThat(store.lookupAccount("u", "d").block(T).device().id()).isEqualTo(dev);
                db.ping().block(T);
            } finally {
                restarted.close();
            }
        } finally {
            throwaway.close();
            TestPostgres.deleteTree(dir);
        }
    }

    @Test
    void nothingListeningIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Database db = Database.open(DatabaseConfig.of("127.0.0.1", port, "x", "postgres", null))) {
            assertThatThrownBy(() -> new R2dbcSyncStore(db).lookupAccount("u", "d").block(T))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> new Migrator(db.connectionFactory()).migrate().block(T))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void anExhaustedPoolIsUnavailableAfterTheAcquireTimeout() {
        DatabaseConfig one = TestPostgres.freshDatabase().withPool(new DatabaseConfig.Pool(0, 1,
                Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMillis(300), null));
        try (Database db = Database.open(one)) {
            new Migrator(db.connectionFactory()).migrate().block(T);
            R2dbcSyncStore store = new R2dbcSyncStore(db);
            // the only connection is busy for two seconds
            Mono<Void> hog = Connections.withConnection(db.connectionFactory(),
                    c -> Mono.from(c.createStatement("select pg_sleep(2)").execute())
                            .flatMap(r -> Mono.from(r.getRowsUpdated())).then());
            hog.subscribe();
            long started = System.nanoTime();
            assertThatThrownBy(() -> store.lookupAccount("u", "d").block(T))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
            // and it recovers once the connection is back
            assertThat(Mono.delay(Duration.ofMillis(2500)).then(store.lookupAccount("u", "d")).block(T))
                    .isEqualTo(AccountLookup.UNKNOWN);
        }
    }
}
