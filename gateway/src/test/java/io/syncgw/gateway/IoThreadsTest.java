package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.gateway.cli.Args;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --io-threads}: its default, where it is read from, its bounds, and the property it sets. */
class IoThreadsTest {

    private static Args args(Map<String, String> env, String... argv) {
        return Args.parse(argv, Set.of(), env);
    }

    @Test
    void theDefaultIsHalfTheCoresAndAtLeastOne() {
        assertThat(IoThreads.defaultCount(1)).isEqualTo(1);
        assertThat(IoThreads.defaultCount(2)).isEqualTo(1);
        assertThat(IoThreads.defaultCount(3)).isEqualTo(1);
        assertThat(IoThreads.defaultCount(4)).isEqualTo(2);
        assertThat(IoThreads.defaultCount(16)).isEqualTo(8);
        assertThat(IoThreads.count(args(Map.of(), "serve")))
                .isEqualTo(IoThreads.defaultCount(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void theCountComesFromTheCommandLineOrTheEnvironment() {
        assertThat(IoThreads.count(args(Map.of(), "serve", "--io-threads", "3"))).isEqualTo(3);
        assertThat(IoThreads.count(args(Map.of("SYNCGW_IO_THREADS", "5"), "serve"))).isEqualTo(5);
        assertThat(IoThreads.count(args(Map.of("SYNCGW_IO_THREADS", "5"), "serve", "--io-threads", "2")))
                .isEqualTo(2);
    }

    @Test
    void aCountOutOfBoundsIsAUsageError() {
        for (String bad : new String[] {"0", "-1", "1025", "many"}) {
            assertThatThrownBy(() -> IoThreads.count(args(Map.of(), "serve", "--io-threads", bad)))
                    .isInstanceOf(Args.UsageException.class).hasMessageContaining("--io-threads");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"serve", "--io-threads", "0", "--port", "0"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--io-threads must be between 1 and 1024: 0");
    }

    @Test
    void applySetsReactorNettysPropertyUnlessItIsSetAlready() {
        String before = System.getProperty(IoThreads.PROPERTY);
        try {
            System.clearProperty(IoThreads.PROPERTY);
            IoThreads.apply(new String[] {"serve", "--io-threads", "3"}, Set.of(), Map.of());
            assertThat(System.getProperty(IoThreads.PROPERTY)).isEqualTo("3");
            assertThat(IoThreads.effective()).isEqualTo("3");
            // an explicit -Dreactor.netty.ioWorkerCount wins
            System.setProperty(IoThreads.PROPERTY, "7");
            IoThreads.apply(new String[] {"serve", "--io-threads", "3"}, Set.of(), Map.of());
            assertThat(System.getProperty(IoThreads.PROPERTY)).isEqualTo("7");
            // a bad value sets nothing (Main.run reports it)
            System.clearProperty(IoThreads.PROPERTY);
            IoThreads.apply(new String[] {"serve", "--io-threads", "0"}, Set.of(), Map.of());
            assertThat(System.getProperty(IoThreads.PROPERTY)).isNull();
        } finally {
            if (before == null) {
                System.clearProperty(IoThreads.PROPERTY);
            } else {
                System.setProperty(IoThreads.PROPERTY, before);
            }
        }
    }
}
