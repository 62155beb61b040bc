package io.syncgw.codec.model.devinf;

import java.util.List;

/** {@code Ext} (DevInf §5.3.12): a vendor extension name with its values. */
public record Ext(String xNam, List<String> xVals) {
    public Ext {
        xVals = List.copyOf(xVals);
    }
}
