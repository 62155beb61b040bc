package io.syncgw.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.AccountCredentials;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.store.R2dbcSyncStore;
import io.syncgw.persistence.testing.Batch;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AccountAdminIT {

    private static final Duration T = Duration.ofSeconds(30);

    private static Database db;
    private static AccountAdmin admin;
    private static R2dbcSyncStore store;

    @BeforeAll
    static void start() {
        db = TestPostgres.migratedDatabase();
        admin = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000));
        store = new R2dbcSyncStore(db);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void addListPasswdRemoveRoundTrip() {
        Instant before = Instant.now().minusSeconds(5);
        long id = admin.add("carol", "first-pw").block(T);
        AccountCredentials creds = store.lookupAccount("carol", "phone").block(T).account();
        assertThat(creds.accountId()).isEqualTo(id);
        assertThat(PasswordHasher.verify("first-pw", creds.passwordHash())).isTrue();
        assertThat(creds.md5Digest()).isEqualTo(PasswordHasher.md5Digest("carol", "first-pw"));

        long phone = store.registerDevice(id, "phone").block(T).id();
        store.registerDevice(id, "laptop").block(T);
        store.write(Batch.of(id, phone).insert(1, "contacts", "a", "a", "1").insert(2, "contacts", "b", "b", "2")
                .insert(3, "calendar", "c", "c", "3").build()).block(T);
        long gone = store.write(Batch.of(id, phone).insert(4, "contacts", "d", "d", "4").build()).block(T)
                .insertedIds().get(4);
        store.registerDevice(id, "tablet").block(T);
        store.write(Batch.of(id, phone).delete(gone, null).build()).block(T);

        AccountSummary carol = admin.list().filter(a -> a.login().equals("carol")).blockFirst(T);
        assertThat(carol.devices()).isEqualTo(3);
        assertThat(carol.liveItems()).isEqualTo(Map.of("contacts", 2L, "calendar", 1L));
        assertThat(carol.createdAt()).isAfter(before);

        admin.passwd("carol", "second-pw").block(T);
        AccountCredentials changed = store.lookupAccount("carol", "phone").block(T).account();
        assertThat(PasswordHasher.verify("second-pw", changed.passwordHash())).isTrue();
        assertThat(PasswordHasher.verify("first-pw", changed.passwordHash())).isFalse();
        assertThat(changed.md5Digest()).isEqualTo(PasswordHasher.md5Digest("carol", "second-pw"));

        admin.remove("carol").block(T);
        assertThat(store.lookupAccount("carol", "phone").block(T)).isEqualTo(AccountLookup.UNKNOWN);
        assertThat(admin.list().map(AccountSummary::login).collectList().block(T)).doesNotContain("carol");
    }

    @Test
    void anAccountWithoutMd5KeepsItThroughAPasswordChange() {
        admin.add("gina", "pw", false).block(T);
        assertThat(store.lookupAccount("gina", "x").block(T).account().md5Digest()).isNull();
        admin.passwd("gina", "new-pw").block(T);
        AccountCredentials c = store.lookupAccount("gina", "x").block(T).account();
        assertThat(c.md5Digest()).isNull();
        assertThat(PasswordHasher.verify("new-pw", c.passwordHash())).isTrue();
    }

    @Test
    void anAccountWithoutDevicesOrItemsIsListedWithZeros() {
        admin.add("dave", "pw").block(T);
        assertThat(admin.list().filter(a -> a.login().equals("dave")).blockFirst(T))
                .satisfies(a -> {
                    assertThat(a.devices()).isZero();
                    assertThat(a.liveItems()).isEmpty();
                });
        List<String> logins = admin.list().map(AccountSummary::login).collectList().block(T);
        assertThat(logins).isSorted();
    }

    @Test
    void refusesDuplicatesUnknownLoginsAndBadInput() {
        admin.add("erin", "pw").block(T);
        assertThatThrownBy(() -> admin.add("erin", "other").block(T))
                .isInstanceOf(AccountException.class).hasMessage("an account 'erin' already exists");
        assertThatThrownBy(() -> admin.remove("nobody").block(T))
                .isInstanceOf(AccountException.class).hasMessage("no account 'nobody'");
        assertThatThrownBy(() -> admin.passwd("nobody", "pw").block(T))
                .isInstanceOf(AccountException.class).hasMessage("no account 'nobody'");
        assertThatThrownBy(() -> admin.add("has:colon", "pw").block(T)).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> admin.add("has space", "pw").block(T)).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> admin.add("", "pw").block(T)).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> admin.add("frank", "").block(T)).isInstanceOf(AccountException.class)
                .hasMessageContaining("password");
    }
}
