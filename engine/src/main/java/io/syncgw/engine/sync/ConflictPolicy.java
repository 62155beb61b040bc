package io.syncgw.engine.sync;

import java.util.Locale;
import java.util.Optional;

/**
 * Who wins when a device changes an item the server changed since the device last saw it (OMA DS Protocol §6.11;
 * statuses from RepPro §10). Set for the server ({@code --conflict-policy}) and per device.
 */
public enum ConflictPolicy {
    /** Keep the server's version; the device gets 419 and then the server's version. */
    SERVER_WINS("server-wins"),
    /** Take the device's version; status 208. */
    CLIENT_WINS("client-wins"),
    /**
     * The version changed last wins: the device's when its item says it was modified (vCard REV, iCalendar
     * LAST-MODIFIED) after the server copy was last written, else the server's (208 or 419).
     */
    NEWEST_WINS("newest-wins"),
    /** Keep both: the device's version becomes a new item and the server's is sent to the device as well (209). */
    DUPLICATE("duplicate");

    private final String wireName;

    ConflictPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the admin API, the configuration and the database. */
    public String wireName() {
        return wireName;
    }

    /** The policy named {@code name} ("server-wins", "CLIENT_WINS" ...), or empty. */
    public static Optional<ConflictPolicy> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ConflictPolicy p : values()) {
            if (p.wireName.equals(n)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
