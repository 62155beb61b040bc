package io.syncgw.engine.port;

import java.util.List;
import java.util.Map;

/**
 * What the store knows about the items a client message refers to.
 *
 * @param byLuid mapped items, keyed by the device's LUID
 * @param twins  unmapped live items, keyed by twin key, lowest item id first
 */
public record ItemFacts(Map<String, MappedItem> byLuid, Map<String, List<TwinCandidate>> twins) {
    public static final ItemFacts NONE = new ItemFacts(Map.of(), Map.of());

    public ItemFacts {
        byLuid = Map.copyOf(byLuid);
        twins = Map.copyOf(twins);
    }
}
