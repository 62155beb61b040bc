package io.syncgw.codec.model;

import java.util.Objects;

/**
 * A {@code Target} or {@code Source} element: a URI and an optional display name (RepPro §5.1.17, §5.1.20).
 *
 * @param locUri  the {@code LocURI}; never null
 * @param locName the {@code LocName}, or null
 */
public record Location(String locUri, String locName) {
    public Location {
        Objects.requireNonNull(locUri, "locUri");
    }

    public static Location of(String locUri) {
        return new Location(locUri, null);
    }
}
