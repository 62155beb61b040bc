package io.syncgw.engine.port;

import java.util.Objects;

/**
 * A device registered to an account.
 *
 * @param deviceUri  the device's identity: {@code SyncHdr/Source/LocURI} (IMEI, "sc-pim-...", a UUID)
 * @param slot       the account slot it occupies (1-based)
 * @param nonce      base64 of the MD5 nonce the device must use next, or null
 * @param devInfHash hash of the stored device information, or null when none is stored
 * @param policy     what the account owner configured for the device's slot
 */
public record DeviceRecord(long id, long accountId, String deviceUri, int slot, String nonce, String devInfHash,
                           DevicePolicy policy) {
    public DeviceRecord {
        Objects.requireNonNull(deviceUri, "deviceUri");
        Objects.requireNonNull(policy, "policy");
    }

    public DeviceRecord(long id, long accountId, String deviceUri, int slot, String nonce, String devInfHash) {
        this(id, accountId, deviceUri, slot, nonce, devInfHash, DevicePolicy.DEFAULT);
    }
}
