package io.syncgw.engine.port;

import java.util.Map;

/**
 * The answer to "who is this": the account for a login (null when unknown) and, when that account already knows the
 * device, its record (null otherwise). Nothing is created by looking up.
 *
 * @param anchors the device's stored anchors, when the store read them with the lookup (saves the session a
 *                {@link SyncStore#loadAnchors} round trip); null when not read (unknown device, or a store that
 *                leaves them to {@code loadAnchors}, e.g. because a checkpoint is to be resumed)
 * @param nonceRotated the lookup stored the next MD5 nonce it was given for the device
 *                     ({@link SyncStore#lookupAccount(String, String, String, byte[])}); the device record holds the
 *                     one before
 */
public record AccountLookup(AccountCredentials account, DeviceRecord device, Map<String, StoredAnchor> anchors,
                            boolean nonceRotated) {
    public static final AccountLookup UNKNOWN = new AccountLookup(null, null);

    public AccountLookup {
        anchors = anchors == null || device == null ? null : Map.copyOf(anchors);
        if (nonceRotated && device == null) {
            throw new IllegalArgumentException("a nonce is rotated only for a known device");
        }
    }

    /** A lookup that changed nothing. */
    public AccountLookup(AccountCredentials account, DeviceRecord device, Map<String, StoredAnchor> anchors) {
        this(account, device, anchors, false);
    }

    /** A lookup that leaves the anchors to {@link SyncStore#loadAnchors}. */
    public AccountLookup(AccountCredentials account, DeviceRecord device) {
        this(account, device, null);
    }
}
