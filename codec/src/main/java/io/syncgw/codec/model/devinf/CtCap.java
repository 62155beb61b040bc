package io.syncgw.codec.model.devinf;

import java.util.List;

/** {@code CTCap} (DevInf §5.3.8): the properties a device supports for one content type. */
public record CtCap(String ctType, String verCt, boolean fieldLevel, List<CtProperty> properties) {
    public CtCap {
        properties = List.copyOf(properties);
    }
}
