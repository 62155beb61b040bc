package io.syncgw.engine.port;

import java.util.Map;
import java.util.Set;

/**
 * What a {@link WriteBatch} did.
 *
 * @param insertedIds new item ids by {@link WriteBatch.NewItem#ref()}
 * @param newSeqs     the change sequence each written item now has (inserts, updates, deletes)
 * @param conflicts   items of updates and deletes that changed concurrently and were left alone
 */
public record WriteResult(Map<Integer, Long> insertedIds, Map<Long, Long> newSeqs, Set<Long> conflicts) {
    public static final WriteResult EMPTY = new WriteResult(Map.of(), Map.of(), Set.of());

    public WriteResult {
        insertedIds = Map.copyOf(insertedIds);
        newSeqs = Map.copyOf(newSeqs);
        conflicts = Set.copyOf(conflicts);
    }
}
