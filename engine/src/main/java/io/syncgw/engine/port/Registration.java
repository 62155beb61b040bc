package io.syncgw.engine.port;

/** The outcome of registering a device with an account: a slot, or none free. */
public sealed interface Registration {

    /** The device holds {@code device.slot()} (it already did, or took the first free or non-active slot). */
    record Registered(DeviceRecord device) implements Registration {
    }

    /** Every one of the account's {@code maxDevices} slots holds an active device: nothing was changed. */
    record NoFreeSlot(int maxDevices) implements Registration {
    }
}
