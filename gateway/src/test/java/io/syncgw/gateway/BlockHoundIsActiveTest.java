package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The guard the other tests rely on: a blocking call on a non-blocking thread fails. */
class BlockHoundIsActiveTest {

    @Test
    void blockingOnAParallelThreadFails() {
        assertThatThrownBy(() -> Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5)))
                .hasMessageContaining("Blocking call");
    }
}
