package io.syncgw.engine.port;

/**
 * Another session of the same device holds the device (OMA DS allows one sync of a device at a time; two would
 * interleave its mappings and anchors). Signalled by {@link SyncStore#write} when a batch's claim fails: the batch is
 * not applied.
 */
public final class DeviceBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeviceBusyException(long deviceId) {
        super("device " + deviceId + " is held by another session");
    }
}
