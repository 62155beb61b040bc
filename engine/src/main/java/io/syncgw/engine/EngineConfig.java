package io.syncgw.engine;

import io.syncgw.engine.sync.ConflictPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the engine.
 *
 * @param maxMsgSize      the MaxMsgSize syncgw announces: the largest message it accepts from a client
 * @param maxObjSize      the MaxObjSize syncgw announces: the largest item it accepts
 * @param defaultClientMaxMsgSize what a client that announces no MaxMsgSize is assumed to accept
 * @param conflictPolicy  who wins when device and server changed the same item
 * @param maxAuthAttempts failed authentications allowed within one session before it is closed
 * @param serverVersion   reported in the server's device information
 * @param clock           for anchors and calendar windows
 * @param maxDevices      device slots of an account that sets no limit of its own
 * @param deviceLease     how long a session holds its device without a message: another session of the same device
 *                        within that time is refused as busy
 * @param deviceBusyWait  how long another session's first write waits for a held device before it is refused as busy:
 *                        a holder that went silent (its node killed, its connection cut) lets go when its lease lapses,
 *                        so a wait longer than the lease lets the client's next session go on; an active holder
 *                        renews its lease and the waiting session is refused. Zero refuses at once.
 */
public record EngineConfig(long maxMsgSize, long maxObjSize, long defaultClientMaxMsgSize,
                           ConflictPolicy conflictPolicy, int maxAuthAttempts, String serverVersion, Clock clock,
                           int maxDevices, Duration deviceLease, Duration deviceBusyWait) {

    /** Device slots of an account by default: four, as the product promises. */
    public static final int DEFAULT_MAX_DEVICES = 4;

    /** A session holds its device this long after each message (renewed at half-time). */
    public static final Duration DEFAULT_DEVICE_LEASE = Duration.ofSeconds(3);

    /** Longer than the lease by a second, so that a silent holder's lease surely lapses within it. */
    public static final Duration DEFAULT_DEVICE_BUSY_WAIT = DEFAULT_DEVICE_LEASE.plusSeconds(1);

    public static final EngineConfig DEFAULT = new EngineConfig(1_000_000, 4_000_000, 65_536,
            ConflictPolicy.SERVER_WINS, 3, "0.1.0", Clock.systemUTC(), DEFAULT_MAX_DEVICES, DEFAULT_DEVICE_LEASE,
            DEFAULT_DEVICE_BUSY_WAIT);


    public EngineConfig {
        Objects.requireNonNull(conflictPolicy, "conflictPolicy");
        Objects.requireNonNull(clock, "clock");
        if (maxMsgSize < 4096 || maxObjSize < 1024 || defaultClientMaxMsgSize < 4096 || maxAuthAttempts < 1
                || maxDevices < 1 || maxDevices > 64 || deviceLease == null || deviceLease.toSeconds() < 1
                || deviceBusyWait == null || deviceBusyWait.isNegative() || deviceBusyWait.toSeconds() > 60) {
            throw new IllegalArgumentException("implausible engine limits: " + this);
        }
    }

    public EngineConfig(long maxMsgSize, long maxObjSize, long defaultClientMaxMsgSize, ConflictPolicy conflictPolicy,
                        int maxAuthAttempts, String serverVersion, Clock clock) {
        this(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts, serverVersion, clock,
                DEFAULT_MAX_DEVICES, DEFAULT_DEVICE_LEASE, DEFAULT_DEVICE_BUSY_WAIT);
    }

    public EngineConfig(long maxMsgSize, long maxObjSize, long defaultClientMaxMsgSize, ConflictPolicy conflictPolicy,
                        int maxAuthAttempts, String serverVersion, Clock clock, int maxDevices) {
        this(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts, serverVersion, clock,
                maxDevices, DEFAULT_DEVICE_LEASE, DEFAULT_DEVICE_BUSY_WAIT);
    }

    public EngineConfig withClock(Clock c) {
        return new EngineConfig(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts,
                serverVersion, c, maxDevices, deviceLease, deviceBusyWait);
    }

    public EngineConfig withConflictPolicy(ConflictPolicy p) {
        return new EngineConfig(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, p, maxAuthAttempts, serverVersion,
                clock, maxDevices, deviceLease, deviceBusyWait);
    }

    public EngineConfig withMaxDevices(int n) {
        return new EngineConfig(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts,
                serverVersion, clock, n, deviceLease, deviceBusyWait);
    }

    public EngineConfig withDeviceLease(Duration d) {
        return new EngineConfig(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts,
                serverVersion, clock, maxDevices, d, deviceBusyWait);
    }

    public EngineConfig withDeviceBusyWait(Duration d) {
        return new EngineConfig(maxMsgSize, maxObjSize, defaultClientMaxMsgSize, conflictPolicy, maxAuthAttempts,
                serverVersion, clock, maxDevices, deviceLease, d);
    }
}
