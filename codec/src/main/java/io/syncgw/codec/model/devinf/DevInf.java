package io.syncgw.codec.model.devinf;

import java.util.List;

/**
 * {@code DevInf} (DevInf §5.3).
 *
 * @param ctCaps content-type capabilities at device level: where SyncML 1.0/1.1 devices put them (1.2 puts them in
 *               each {@link DataStore})
 */
public record DevInf(String verDtd, String man, String mod, String oem, String fwV, String swV, String hwV,
                     String devId, String devTyp, boolean utc, boolean supportLargeObjs,
                     boolean supportNumberOfChanges, List<DataStore> dataStores, List<CtCap> ctCaps, List<Ext> exts) {
    public DevInf {
        dataStores = List.copyOf(dataStores);
        ctCaps = List.copyOf(ctCaps);
        exts = List.copyOf(exts);
    }
}
