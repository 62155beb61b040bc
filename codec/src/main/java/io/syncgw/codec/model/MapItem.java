package io.syncgw.codec.model;

import java.util.Objects;

/** {@code MapItem} (RepPro §6.6.9): target = the server's id (GUID), source = the client's id (LUID). */
public record MapItem(Location target, Location source) {
    public MapItem {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(source, "source");
    }
}
