package io.syncgw.engine.port;

import java.util.Map;
import java.util.Set;

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
 * @param settled the datastores of which the device was owed nothing under no filter
 *                ({@link SyncStore#pendingChanges} with {@link ItemFilter#NONE} would have answered an empty list) as
 *                of the lookup: lets a session whose Sync comes with its Alert (an idle phone's two-message sync) skip
 *                that read. A store may leave out any datastore (it is then read), never name one that is owed
 *                something. Empty for an unknown device, and unless asked for
 *                ({@link SyncStore#lookupAccount(String, String, String, byte[], boolean)}).
 */
public record AccountLookup(AccountCredentials account, DeviceRecord device, Map<String, StoredAnchor> anchors,
                            boolean nonceRotated, Set<String> settled) {
    public static final AccountLookup UNKNOWN = new AccountLookup(null, null);

    public AccountLookup {
        anchors = anchors == null || device == null ? null : Map.copyOf(anchors);
        settled = settled == null || device == null ? Set.of() : Set.copyOf(settled);
        if (nonceRotated && device == null) {
            throw new IllegalArgumentException("a nonce is rotated only for a known device");
        }
    }

    /** A lookup that tells nothing of what the device is owed. */
    public AccountLookup(AccountCredentials account, DeviceRecord device, Map<String, StoredAnchor> anchors,
                         boolean nonceRotated) {
        this(account, device, anchors, nonceRotated, Set.of());
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
