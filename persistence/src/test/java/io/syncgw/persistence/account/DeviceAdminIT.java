package io.syncgw.persistence.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The device slots of an account against a real PostgreSQL: listing, configuring, freeing. */
class DeviceAdminIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final AtomicInteger LOGINS = new AtomicInteger();

    private static DatabaseConfig config;
    private static Database db;
    private static AccountAdmin accounts;
    private static DeviceAdmin devices;

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        db = Database.open(config);
        new Migrator(db.connectionFactory()).migrate().block(T);
        accounts = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000));
        devices = new DeviceAdmin(db.connectionFactory(), 4);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** A new account (tests run in random order and share the database). */
    private static String account() {
        String login = "dev" + LOGINS.incrementAndGet();
        accounts.add(login, "pw").block(T);
        return login;
    }

    private static void sql(String statement) {
        try (Connection c = jdbc(); Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    private static long count(String query) {
        try (Connection c = jdbc(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    private static Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/" + config.database()
                + "?user=postgres");
    }

    private static void device(String login, int slot, String uri) {
        sql("insert into device (account_id, device_uri, slot, manufacturer, model, last_sync) select id, '" + uri
                + "', " + slot + ", 'Nokia', 'E71', timestamptz '2026-11-01 10:00:00+00' from account where login = '"
                + login + "'");
    }

    @Test
    void listsEverySlotWithFreeOnesAndTheDevicesAsRegistered() {
        String login = account();
        device(login, 2, "IMEI:222");
        List<DeviceSlot> slots = devices.slots(login).block(T);
        assertThat(slots).extracting(DeviceSlot::slot).containsExactly(1, 2, 3, 4);
        assertThat(slots).extracting(DeviceSlot::status).containsExactly(DeviceSlot.Status.FREE,
                DeviceSlot.Status.ACTIVE, DeviceSlot.Status.FREE, DeviceSlot.Status.FREE);
        DeviceSlot two = slots.get(1);
        assertThat(two.deviceId()).isEqualTo("IMEI:222");
        assertThat(two.manufacturer()).isEqualTo("Nokia");
        assertThat(two.model()).isEqualTo("E71");
        assertThat(two.lastSync()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(two.policy()).isEqualTo(DevicePolicy.DEFAULT);
        assertThat(slots.get(0).policy()).isNull();
        assertThat(slots.get(0).deviceId()).isNull();
    }

    @Test
    void theAccountsOwnLimitDecidesTheNumberOfSlotsAndADeviceBeyondItIsStillListed() {
        String login = account();
        accounts.setMaxDevices(login, 6).block(T);
        assertThat(devices.slots(login).block(T)).hasSize(6);
        assertThat(accounts.get(login).block(T).maxDevices()).isEqualTo(6);
        device(login, 5, "IMEI:555");
        accounts.setMaxDevices(login, 2).block(T);
        List<DeviceSlot> slots = devices.slots(login).block(T);
        assertThat(slots).hasSize(5);
        assertThat(slots.get(4).deviceId()).isEqualTo("IMEI:555");
        accounts.setMaxDevices(login, null).block(T);
        assertThat(accounts.get(login).block(T).maxDevices()).isNull();
        assertThat(devices.slots(login).block(T)).hasSize(5);
        assertThatThrownBy(() -> accounts.setMaxDevices(login, 0).block(T)).isInstanceOf(AccountException.class)
                .satisfies(e -> assertThat(((AccountException) e).field()).isEqualTo("maxDevices"));
        assertThatThrownBy(() -> accounts.setMaxDevices(login, 65).block(T)).isInstanceOf(AccountException.class);
        assertThatThrownBy(() -> accounts.setMaxDevices("nobody-here", 3).block(T))
                .isInstanceOf(AccountException.class)
                .satisfies(e -> assertThat(((AccountException) e).reason()).isEqualTo(AccountException.Reason.NOT_FOUND));
    }

    @Test
    void updatesOnlyTheFieldsGivenAndReadsThemBack() {
        String login = account();
        device(login, 1, "IMEI:111");
        DeviceSlot after = devices.update(login, 1, DeviceChange.builder()
                .name("  Work phone ")
                .datastores(List.of("contacts", "calendar"))
                .direction("from-server")
                .contactCategories(List.of("Personal", " ", "personal", "Family"))
                .calendarPastDays(7)
                .calendarFutureDays(30)
                .conflictPolicy("client-wins")
                .deletesPropagate(false)
                .nextSync("refresh-from-server")
                .build()).block(T);
        DevicePolicy p = after.policy();
        assertThat(p.name()).isEqualTo("Work phone");
        assertThat(p.datastores()).isEqualTo(Set.of("contacts", "calendar"));
        assertThat(p.direction()).isEqualTo(DevicePolicy.Direction.FROM_SERVER);
        assertThat(p.contactCategories()).containsExactly("Personal", "Family");
        assertThat(p.excludeCategories()).isEmpty();
        assertThat(p.calendarPastDays()).isEqualTo(7);
        assertThat(p.calendarFutureDays()).isEqualTo(30);
        assertThat(p.conflictPolicy()).isEqualTo(ConflictPolicy.CLIENT_WINS);
        assertThat(p.deletesPropagate()).isFalse();
        assertThat(p.nextSync()).isEqualTo(DevicePolicy.NextSync.REFRESH_FROM_SERVER);
        assertThat(p.active()).isTrue();
        // as the engine reads them: the columns themselves
        assertThat(count("select count(*) from device where device_uri = 'IMEI:111' and direction = 'from-server'"
                + " and calendar_past_days = 7 and next_sync = 'refresh-from-server' and not deletes_propagate"
                + " and contact_categories = '{Personal,Family}' and conflict_policy = 'client-wins'")).isEqualTo(1);

        DeviceSlot again = devices.update(login, 1, DeviceChange.builder().active(false).calendarPastDays(null)
                .conflictPolicy(null).name("").build()).block(T);
        assertThat(again.status()).isEqualTo(DeviceSlot.Status.NON_ACTIVE);
        assertThat(again.policy().calendarPastDays()).isNull();
        assertThat(again.policy().calendarFutureDays()).isEqualTo(30);
        assertThat(again.policy().conflictPolicy()).isNull();
        assertThat(again.policy().name()).isNull();
        assertThat(again.policy().direction()).isEqualTo(DevicePolicy.Direction.FROM_SERVER);

        assertThat(devices.update(login, 1, DeviceChange.builder().build()).block(T)).isEqualTo(again);
    }

    @Test
    void unknownAccountsAndFreeSlotsAreNotFound() {
        String login = account();
        device(login, 1, "IMEI:1");
        DeviceChange rename = DeviceChange.builder().name("x").build();
        assertThatThrownBy(() -> devices.update(login, 2, rename).block(T)).isInstanceOf(AccountException.class)
                .hasMessage("slot 2 of '" + login + "' holds no device")
                .satisfies(e -> assertThat(((AccountException) e).reason()).isEqualTo(AccountException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> devices.update("ghost", 1, rename).block(T)).hasMessage("no account 'ghost'");
        assertThatThrownBy(() -> devices.update(login, 2, DeviceChange.builder().build()).block(T))
                .hasMessage("slot 2 of '" + login + "' holds no device");
        assertThatThrownBy(() -> devices.free(login, 3).block(T)).hasMessage("slot 3 of '" + login
                + "' holds no device");
        assertThatThrownBy(() -> devices.free("ghost", 1).block(T)).hasMessage("no account 'ghost'");
        assertThatThrownBy(() -> devices.slots("ghost").block(T)).hasMessage("no account 'ghost'");
        assertThatThrownBy(() -> devices.slot(login, 9).block(T)).isInstanceOf(AccountException.class);
    }

    @Test
    void badValuesNameTheirField() {
        assertField(() -> DeviceChange.builder().datastores(List.of("contacts", "mail")), "datastores");
        assertField(() -> DeviceChange.builder().direction("sideways"), "direction");
        assertField(() -> DeviceChange.builder().direction(null), "direction");
        assertField(() -> DeviceChange.builder().calendarPastDays(-1), "calendarPastDays");
        assertField(() -> DeviceChange.builder().calendarFutureDays(36_501), "calendarFutureDays");
        assertField(() -> DeviceChange.builder().conflictPolicy("loudest-wins"), "conflictPolicy");
        assertField(() -> DeviceChange.builder().nextSync("later"), "nextSync");
        assertField(() -> DeviceChange.builder().name("x".repeat(101)), "name");
        assertField(() -> DeviceChange.builder().name("a\u0007b"), "name");
        assertField(() -> DeviceChange.builder().contactCategories(List.of("a\nb")), "contactCategories");
        assertField(() -> DeviceChange.builder().excludeCategories(null), "excludeCategories");
        assertThat(DeviceChange.builder().conflictPolicy("NEWEST_WINS").build().value(DeviceChange.Field.CONFLICT_POLICY))
                .isEqualTo("newest-wins");
    }

    private static void assertField(Runnable r, String field) {
        assertThatThrownBy(r::run).isInstanceOf(AccountException.class)
                .satisfies(e -> assertThat(((AccountException) e).field()).isEqualTo(field))
                .satisfies(e -> assertThat(((AccountException) e).reason()).isEqualTo(AccountException.Reason.INVALID));
    }

    @Test
    void freeingASlotDropsTheDeviceItsMappingsAndAnchorsButKeepsTheAccountsItems() {
        String login = account();
        device(login, 1, "IMEI:keep");
        device(login, 2, "IMEI:gone");
        String acc = "(select id from account where login = '" + login + "')";
        String dev = "(select id from device where device_uri = '%s' and account_id = " + acc + ")";
        sql("insert into item (account_id, datastore, content_type, content) select " + acc
                + ", 'contacts', 'text/vcard', 'live-' || n from generate_series(1, 3) n");
        // tombstones: one still owed to both devices, one owed only to the device that goes
        sql("insert into item (account_id, datastore, content_type, content, deleted) values (" + acc
                + ", 'contacts', 'text/vcard', 'both', true), (" + acc + ", 'contacts', 'text/vcard', 'only', true)");
        sql("insert into item_map (device_id, item_id, datastore, luid) select " + dev.formatted("IMEI:gone")
                + ", id, 'contacts', 'L' || id from item where account_id = " + acc);
        sql("insert into item_map (device_id, item_id, datastore, luid) select " + dev.formatted("IMEI:keep")
                + ", id, 'contacts', 'K' || id from item where account_id = " + acc + " and content <> 'only'");
        sql("insert into sync_anchor (device_id, datastore, client_next, server_next) select "
                + dev.formatted("IMEI:gone") + ", 'contacts', '1', '2'");
        sql("insert into sync_resume (device_id, datastore, mode) select " + dev.formatted("IMEI:gone")
                + ", 'contacts', 201");

        devices.free(login, 2).block(T);

        assertThat(devices.slots(login).block(T)).extracting(DeviceSlot::status).containsExactly(
                DeviceSlot.Status.ACTIVE, DeviceSlot.Status.FREE, DeviceSlot.Status.FREE, DeviceSlot.Status.FREE);
        assertThat(count("select count(*) from device where device_uri = 'IMEI:gone'")).isZero();
        assertThat(count("select count(*) from item where account_id = " + acc + " and not deleted")).isEqualTo(3);
        assertThat(count("select count(*) from item where account_id = " + acc + " and content = 'both'"))
                .as("a tombstone another device is still owed stays").isEqualTo(1);
        assertThat(count("select count(*) from item where account_id = " + acc + " and content = 'only'"))
                .as("a tombstone only the freed device was owed goes").isZero();
        assertThat(count("select count(*) from item_map m join device d on d.id = m.device_id where d.account_id = "
                + acc)).isEqualTo(4);
        assertThat(count("select count(*) from sync_anchor")).isZero();
        assertThat(count("select count(*) from sync_resume")).isZero();
        assertThat(count("select count(*) from item_map where device_id not in (select id from device)")).isZero();
    }

    @Test
    void removingAnAccountTakesItsWebSessionsAndAPasswordChangeEndsThem() {
        WebSessions web = new WebSessions(db.connectionFactory(), Duration.ofMinutes(30), Duration.ofHours(12));
        String login = account();
        long id = web.credentials(login).block(T).accountId();
        web.create("token-a-" + login, id, "csrf").block(T);
        assertThat(web.touch("token-a-" + login).block(T)).isNotNull();
        accounts.passwd(login, "new-pw").block(T);
        assertThat(web.touch("token-a-" + login).block(T)).isNull();
        web.create("token-b-" + login, id, "csrf").block(T);
        accounts.remove(login).block(T);
        assertThat(count("select count(*) from web_session where account_id = " + id)).isZero();
    }
}
