package io.syncgw.engine.port;

import java.time.Instant;
import java.util.List;

/**
 * What a device may receive of a datastore (its policy applied at one moment): contacts in any of
 * {@code anyCategory} (empty: all) and in none of {@code noCategory}; events and tasks whose time span overlaps
 * [{@code from}, {@code to}) (null: open). Items the device holds that no longer pass are taken off the device (never
 * deleted on the server).
 */
public record ItemFilter(List<String> anyCategory, List<String> noCategory, Instant from, Instant to) {
    public static final ItemFilter NONE = new ItemFilter(List.of(), List.of(), null, null);

    public ItemFilter {
        anyCategory = List.copyOf(anyCategory);
        noCategory = List.copyOf(noCategory);
    }

    public boolean isNone() {
        return anyCategory.isEmpty() && noCategory.isEmpty() && from == null && to == null;
    }
}
