package io.syncgw.engine.port;

import java.time.Instant;
import java.util.List;

/**
 * What the store keeps beside an item's text so that per-device filters run as set-based SQL without parsing: a
 * contact's categories (lower case), an event's or task's span over all its occurrences (null ends: open).
 */
public record ItemIndex(List<String> categories, Instant spanStart, Instant spanEnd, boolean recurring) {
    public static final ItemIndex NONE = new ItemIndex(List.of(), null, null, false);

    public ItemIndex {
        categories = List.copyOf(categories);
    }
}
