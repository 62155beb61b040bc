package io.syncgw.codec.model;

/**
 * Sync anchors of a datastore (MetInf §5.2.1): {@code Last} is the anchor of the previous successful sync as the
 * sender remembers it, {@code Next} the anchor of this one.
 *
 * @param last null when the sender has none (first sync)
 * @param next null only in malformed input
 */
public record Anchor(String last, String next) {
}
