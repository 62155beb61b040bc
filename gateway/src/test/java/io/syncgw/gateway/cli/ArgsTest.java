package io.syncgw.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options from the command line, the environment and a configuration file, in that order. */
class ArgsTest {

    @Test
    void commandLineBeatsEnvironmentBeatsFile(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("syncgw.properties");
        Files.writeString(conf, "# a comment\nport = 9000\nadmin-port=9001\n--session-timeout = 7m\ndb-url=postgres://f\n");
        Args a = Args.parse(new String[] {"serve", "--config", conf.toString(), "--port", "9100"}, Set.of(),
                Map.of("SYNCGW_ADMIN_PORT", "9200"));
        assertThat(a.positional()).containsExactly("serve");
        assertThat(a.intValue("port", 8080)).isEqualTo(9100);
        assertThat(a.intValue("admin-port", 8081)).isEqualTo(9200);
        assertThat(a.duration("session-timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(7));
        assertThat(a.get("db-url")).isEqualTo("postgres://f");
        assertThat(a.get("data-dir", "./syncgw-data")).isEqualTo("./syncgw-data");
        Args fromEnv = Args.parse(new String[] {"serve"}, Set.of(), Map.of("SYNCGW_CONFIG", conf.toString()));
        assertThat(fromEnv.intValue("port", 8080)).isEqualTo(9000);
    }

    @Test
    void valuesAreCheckedWithClearMessages() {
        Args a = Args.parse(new String[] {"--port", "x", "--session-timeout", "soon", "--max-message-size", "4m",
            "--flag"}, Set.of("flag"), Map.of());
        assertThatThrownBy(() -> a.intValue("port", 1)).hasMessageContaining("--port must be a number");
        assertThatThrownBy(() -> a.duration("session-timeout", Duration.ZERO)).hasMessageContaining("duration");
        assertThat(a.bytes("max-message-size", 0)).isEqualTo(4L << 20);
        assertThat(a.flag("flag")).isTrue();
        assertThatThrownBy(() -> Args.parse(new String[] {"--port"}, Set.of(), Map.of()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Args.parse(new String[] {"--config", "/nonexistent/x"}, Set.of(), Map.of()))
                .hasMessageContaining("cannot read the configuration file");
    }
}
