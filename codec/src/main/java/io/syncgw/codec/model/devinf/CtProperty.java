package io.syncgw.codec.model.devinf;

import java.util.List;

/**
 * {@code Property} of a CTCap (DevInf §5.3.25); for SyncML 1.1 the flat {@code PropName ...} group, where
 * {@code Size} maps to {@code maxSize}.
 */
public record CtProperty(String name, String dataType, Integer maxOccur, Integer maxSize, boolean noTruncate,
                         List<String> valEnums, String displayName, List<CtParam> params) {
    public CtProperty {
        valEnums = List.copyOf(valEnums);
        params = List.copyOf(params);
    }
}
