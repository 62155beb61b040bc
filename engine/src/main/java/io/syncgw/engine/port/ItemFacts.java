package io.syncgw.engine.port;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the store knows about the items a client message refers to.
 *
 * @param byLuid mapped items, keyed by the device's LUID
 * @param twins  unmapped live items, keyed by twin key, lowest item id first
 * @param bases  server copies of mapped items read with the facts (see
 *               {@link SyncStore#lookupItems(long, long, String, Collection, Collection, Map)}), by item id
 */
public record ItemFacts(Map<String, MappedItem> byLuid, Map<String, List<TwinCandidate>> twins,
                        Map<Long, StoredItem> bases) {
    public static final ItemFacts NONE = new ItemFacts(Map.of(), Map.of());

    public ItemFacts {
        byLuid = Map.copyOf(byLuid);
        twins = Map.copyOf(twins);
        bases = Map.copyOf(bases);
    }

    public ItemFacts(Map<String, MappedItem> byLuid, Map<String, List<TwinCandidate>> twins) {
        this(byLuid, twins, Map.of());
    }
}
