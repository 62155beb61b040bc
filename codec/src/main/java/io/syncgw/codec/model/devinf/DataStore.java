package io.syncgw.codec.model.devinf;

import java.util.List;

/**
 * {@code DataStore} (DevInf §5.3.5).
 *
 * @param syncTypes the {@code SyncCap/SyncType} values as sent ("1".."7", vendor values such as "390001")
 */
public record DataStore(String sourceRef, String displayName, Integer maxGuidSize, ContentTypeRef rxPref,
                        List<ContentTypeRef> rx, ContentTypeRef txPref, List<ContentTypeRef> tx, List<CtCap> ctCaps,
                        DsMem dsMem, boolean supportHierarchicalSync, List<String> syncTypes,
                        List<ContentTypeRef> filterRx, List<FilterCap> filterCaps) {
    public DataStore {
        rx = List.copyOf(rx);
        tx = List.copyOf(tx);
        ctCaps = List.copyOf(ctCaps);
        syncTypes = List.copyOf(syncTypes);
        filterRx = List.copyOf(filterRx);
        filterCaps = List.copyOf(filterCaps);
    }
}
