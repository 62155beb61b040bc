package io.syncgw.codec.model.devinf;

import java.util.List;

/** {@code PropParam} (DevInf §5.3.26), or a SyncML 1.1 {@code ParamName} group. */
public record CtParam(String name, String dataType, List<String> valEnums, String displayName) {
    public CtParam {
        valEnums = List.copyOf(valEnums);
    }
}
