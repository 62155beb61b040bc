package io.syncgw.gateway.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed SyncML logins, counted per login and per client address, with back-off: once a login has failed
 * {@link #LOGIN_LIMIT} times (an address {@link #ADDRESS_LIMIT} times; carriers put many handsets behind one address)
 * within {@link #WINDOW}, new sessions for it are refused — even with the right password, so guessing goes no
 * faster — for 10 s, doubling with every further failure up to 15 minutes. A successful login clears its login's
 * count. The password check (PBKDF2, costly by design) is not even reached while throttled, so a flood of wrong
 * passwords costs the server little.
 *
 * <p>Per node, in memory, bounded: at most {@link #MAX_KEYS} logins and addresses are tracked (expired ones are
 * dropped first; beyond that new keys go uncounted, and that is logged once). Behind a balancer that spreads a
 * client over N nodes, the effective limit is N times higher.
 */
public final class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    static final int LOGIN_LIMIT = 10;
    static final int ADDRESS_LIMIT = 100;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
    static final int MAX_KEYS = 200_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final AtomicBoolean fullLogged = new AtomicBoolean();

    private static final class Failures {
        Instant first;
        int count;
        Instant blockedUntil;

        Failures(Instant now) {
            this.first = now;
        }
    }

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    private static String loginKey(String login) {
        return "login:" + (login == null ? "" : login.toLowerCase(java.util.Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "ip:" + address;
    }

    /** How long a new session for {@code login} from {@code address} must wait; empty: it may try. */
    public Optional<Duration> blocked(String login, String address) {
        Instant now = clock.instant();
        Duration a = remaining(loginKey(login), now);
        Duration b = remaining(addressKey(address), now);
        Duration wait = a.compareTo(b) >= 0 ? a : b;
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    private Duration remaining(String key, Instant now) {
        Failures f = failures.get(key);
        if (f == null) {
            return Duration.ZERO;
        }
        synchronized (f) {
            return f.blockedUntil != null && f.blockedUntil.isAfter(now) ? Duration.between(now, f.blockedUntil)
                    : Duration.ZERO;
        }
    }

    /** A login failed (wrong password, unknown login). */
    public void failed(String login, String address) {
        Instant now = clock.instant();
        count(loginKey(login), LOGIN_LIMIT, now);
        count(addressKey(address), ADDRESS_LIMIT, now);
    }

    /** A login succeeded: its own failures are forgiven (the address's are not). */
    public void succeeded(String login) {
        failures.remove(loginKey(login));
    }

    private void count(String key, int limit, Instant now) {
        if (failures.size() >= MAX_KEYS && !failures.containsKey(key)) {
            sweep(now);
            if (failures.size() >= MAX_KEYS) {
                if (fullLogged.compareAndSet(false, true)) {
                    LOG.warn("login throttle tracks {} logins and addresses; further ones go uncounted", MAX_KEYS);
                }
                return;
            }
        }
        Failures f = failures.computeIfAbsent(key, k -> new Failures(now));
        synchronized (f) {
            if (f.first.plus(WINDOW).isBefore(now) && (f.blockedUntil == null || f.blockedUntil.isBefore(now))) {
                f.first = now; // a new window
                f.count = 0;
                f.blockedUntil = null;
            }
            f.count++;
            if (f.count >= limit) {
                long doublings = Math.min(20, f.count - limit);
                Duration backoff = FIRST_BACKOFF.multipliedBy(1L << doublings);
                if (backoff.compareTo(MAX_BACKOFF) > 0) {
                    backoff = MAX_BACKOFF;
                }
                f.blockedUntil = now.plus(backoff);
                if (f.count == limit) {
                    LOG.warn("{} failed logins for {} within {}: new sessions refused for {}", f.count, key, WINDOW,
                            backoff);
                }
            }
        }
    }

    /** Drops entries whose window and block are over. */
    public void sweep(Instant now) {
        failures.entrySet().removeIf(e -> {
            Failures f = e.getValue();
            synchronized (f) {
                return f.first.plus(WINDOW).isBefore(now) && (f.blockedUntil == null || f.blockedUntil.isBefore(now));
            }
        });
    }

    int tracked() {
        return failures.size();
    }
}
