package io.syncgw.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void r2dbcUrlWithCredentialsPortDatabaseAndOptions() {
        DatabaseConfig c = DatabaseConfig.parse(
                "r2dbc:postgresql://sync:p%40ss%3Aw+rd@db.example:6543/syncdb?sslmode=require&maxSize=32"
                        + "&acquireTimeout=250ms&maxIdleTime=10m&applicationName=node-1");
        assertThat(c.host()).isEqualTo("db.example");
        assertThat(c.port()).isEqualTo(6543);
        assertThat(c.database()).isEqualTo("syncdb");
        assertThat(c.user()).isEqualTo("sync");
        assertThat(c.password()).as("percent-decoded, '+' kept").isEqualTo("p@ss:w+rd");
        assertThat(c.sslMode()).isEqualTo("require");
        assertThat(c.applicationName()).isEqualTo("node-1");
        assertThat(c.pool().maxSize()).isEqualTo(32);
        assertThat(c.pool().acquireTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.pool().maxIdleTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.pool().initialSize()).isEqualTo(2);
    }

    @Test
    void defaults() {
        DatabaseConfig c = DatabaseConfig.parse("r2dbc:postgresql://postgres@127.0.0.1/postgres");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.password()).isNull();
        assertThat(c.sslMode()).isEqualTo("disable");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.pool()).isEqualTo(DatabaseConfig.Pool.DEFAULT);
        assertThat(c.pool().initialSize()).isEqualTo(2);
        assertThat(c.pool().maxSize()).isEqualTo(16);
        assertThat(c.pool().maxIdleTime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.pool().acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(DatabaseConfig.parse("postgresql://alice@h").database()).as("database defaults to the user")
                .isEqualTo("alice");
    }

    @Test
    void libpqAndJdbcForms() {
        DatabaseConfig pq = DatabaseConfig.parse("postgresql://u:pw@h:5433/d?connect_timeout=3");
        assertThat(pq).isEqualTo(DatabaseConfig.parse("postgres://u:pw@h:5433/d?connectTimeout=3s"));
        assertThat(pq.connectTimeout()).isEqualTo(Duration.ofSeconds(3));

        DatabaseConfig jdbc = DatabaseConfig.parse("jdbc:postgresql://h:5433/d?user=u&password=pw&connectTimeout=3");
        assertThat(jdbc).isEqualTo(pq);
        assertThat(DatabaseConfig.parse("r2dbc:pool:postgresql://u:pw@h:5433/d?connectTimeout=PT3S")).isEqualTo(pq);
        assertThat(DatabaseConfig.parse("R2DBC:POSTGRES://u:pw@h:5433/d?connectTimeout=3")).isEqualTo(pq);
    }

    @Test
    void ipv6Host() {
        DatabaseConfig c = DatabaseConfig.parse("postgresql://u@[::1]:5000/d");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.describe()).isEqualTo("r2dbc:postgresql://u@[::1]:5000/d");
    }

    @Test
    void toStringHidesThePassword() {
        DatabaseConfig c = DatabaseConfig.parse("r2dbc:postgresql://u:topsecret@h/d");
        assertThat(c.toString()).doesNotContain("topsecret").contains("u@h:5432/d");
    }

    @Test
    void refusesWhatItCannotUse() {
        assertThatThrownBy(() -> DatabaseConfig.parse("mysql://u@h/d")).hasMessageContaining("not a PostgreSQL URL");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://h/d")).hasMessageContaining("no user");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u@h/d?sslmode=sometimes"))
                .hasMessageContaining("sslmode");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u:secret@h/d?tcpKeepAlive=true"))
                .hasMessageContaining("unknown database URL option").hasMessageContaining("tcpKeepAlive");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u@h/d?maxSize=lots"))
                .hasMessageContaining("maxSize");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u@h/d?initialSize=9&maxSize=4"))
                .hasMessageContaining("initialSize");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u@h/d?acquireTimeout=5 weeks"))
                .hasMessageContaining("acquireTimeout");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u:pa%zzss@h/d"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pa%zz");
        assertThatThrownBy(() -> DatabaseConfig.parse("postgresql://u:secret@h1,h2/d"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    }

    @Test
    void durations() {
        assertThat(DatabaseConfig.duration("7", "x")).isEqualTo(Duration.ofSeconds(7));
        assertThat(DatabaseConfig.duration("1h", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(DatabaseConfig.duration("pt2m", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> DatabaseConfig.duration("3d", "x")).hasMessageContaining("unit");
    }
}
