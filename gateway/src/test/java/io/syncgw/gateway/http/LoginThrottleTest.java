package io.syncgw.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private Instant now = Instant.parse("2026-11-29T10:00:00Z");
    private final LoginThrottle throttle = new LoginThrottle(new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void aLoginIsBlockedAfterTenFailuresWithADoublingBackOffAndASuccessForgivesIt() {
        for (int i = 0; i < LoginThrottle.LOGIN_LIMIT - 1; i++) {
            throttle.failed("alice", "10.0.0." + i);
        }
        assertThat(throttle.blocked("Alice", "10.9.9.9")).isEmpty();
        throttle.failed("alice", "10.0.0.99");
        assertThat(throttle.blocked("ALICE", "10.9.9.9")).contains(Duration.ofSeconds(10));
        assertThat(throttle.blocked("bob", "10.9.9.9")).as("another login").isEmpty();
        now = now.plusSeconds(11);
        assertThat(throttle.blocked("alice", "10.9.9.9")).isEmpty();
        throttle.failed("alice", "10.0.0.100");
        assertThat(throttle.blocked("alice", "10.9.9.9")).contains(Duration.ofSeconds(20));
        for (int i = 0; i < 30; i++) {
            throttle.failed("alice", "10.0.1." + i);
        }
        assertThat(throttle.blocked("alice", "10.9.9.9").orElseThrow()).isEqualTo(Duration.ofMinutes(15));
        throttle.succeeded("alice");
        assertThat(throttle.blocked("alice", "10.9.9.9")).isEmpty();
    }

    @Test
    void anAddressIsBlockedOnlyAfterManyFailuresAcrossLogins() {
        for (int i = 0; i < LoginThrottle.ADDRESS_LIMIT - 1; i++) {
            throttle.failed("user" + i, "203.0.113.7");
        }
        assertThat(throttle.blocked("someone", "203.0.113.7")).isEmpty();
        throttle.failed("user-last", "203.0.113.7");
        assertThat(throttle.blocked("someone", "203.0.113.7")).isPresent();
        assertThat(throttle.blocked("someone", "203.0.113.8")).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowStartAgainAndOldEntriesAreSwept() {
        for (int i = 0; i < LoginThrottle.LOGIN_LIMIT - 1; i++) {
            throttle.failed("carol", "10.0.0.1");
        }
        now = now.plus(LoginThrottle.WINDOW).plusSeconds(1);
        throttle.failed("carol", "10.0.0.1");
        assertThat(throttle.blocked("carol", "10.0.0.2")).as("a new window").isEmpty();
        now = now.plus(LoginThrottle.WINDOW).plusSeconds(1);
        throttle.sweep(now);
        assertThat(throttle.tracked()).isZero();
    }
}
