package io.syncgw.persistence.account;

import io.syncgw.engine.port.DevicePolicy;
import java.time.Instant;
import java.util.Optional;

/**
 * One device slot of an account, as the admin API and the self-service page show it: free, or holding a device with
 * what the device told about itself and what the owner configured for it.
 *
 * @param slot         1-based
 * @param deviceId     the device's SyncML id (LocURI of its Source), or null for a free slot
 * @param manufacturer from its DevInf ({@code Man}), or null
 * @param model        from its DevInf ({@code Mod}), or null
 * @param lastSync     when its last session completed, or null
 * @param policy       its configuration; null for a free slot
 */
public record DeviceSlot(int slot, String deviceId, String manufacturer, String model, Instant lastSync,
                         DevicePolicy policy) {

    /** What a slot shows: a device that may sync, one that may not (its slot can be taken), or none. */
    public enum Status {
        ACTIVE("active"), NON_ACTIVE("non-active"), FREE("free");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public DeviceSlot {
        if (slot < 1) {
            throw new IllegalArgumentException("slot " + slot);
        }
        if (deviceId == null != (policy == null)) {
            throw new IllegalArgumentException("a slot holds a device with a policy, or neither");
        }
    }

    public static DeviceSlot free(int slot) {
        return new DeviceSlot(slot, null, null, null, null, null);
    }

    public boolean isFree() {
        return deviceId == null;
    }

    public Status status() {
        return isFree() ? Status.FREE : policy.active() ? Status.ACTIVE : Status.NON_ACTIVE;
    }

    public Optional<DevicePolicy> configuration() {
        return Optional.ofNullable(policy);
    }
}
