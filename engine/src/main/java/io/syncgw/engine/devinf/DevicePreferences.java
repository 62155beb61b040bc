package io.syncgw.engine.devinf;

import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.engine.sync.Datastore;
import io.syncgw.engine.sync.ItemContent;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a device's own device information (DevInf §5.3) says about one of its datastores: the format it prefers to
 * receive, and the properties it can hold in that format.
 */
public final class DevicePreferences {
    /** Structural CTCap entries, not properties of an item. */
    private static final Set<String> STRUCTURAL = Set.of("BEGIN", "END", "VERSION");

    private DevicePreferences() {
    }

    /**
     * The content type the device prefers to receive in the datastore it calls {@code clientUri}: its
     * {@code Rx-Pref}, or the first {@code Rx} the datastore can produce. Empty when the device said nothing usable.
     */
    public static Optional<String> preferredType(DevInf devInf, String clientUri, ItemContent content) {
        DataStore match = dataStore(devInf, clientUri, content.datastore());
        if (match == null) {
            return Optional.empty();
        }
        Optional<String> pref = producible(match.rxPref(), content);
        if (pref.isPresent()) {
            return pref;
        }
        for (ContentTypeRef r : match.rx()) {
            Optional<String> f = producible(r, content);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    /**
     * The property names the device lists in its CTCap for {@code contentType} (in the datastore for SyncML 1.2, at
     * device level for 1.0 and 1.1), upper case, without BEGIN/END/VERSION. Empty when it lists none: unknown.
     */
    public static Set<String> supportedProperties(DevInf devInf, String clientUri, Datastore datastore,
                                                  String contentType) {
        if (devInf == null || contentType == null) {
            return Set.of();
        }
        DataStore ds = dataStore(devInf, clientUri, datastore);
        Set<String> names = ds == null ? Set.of() : names(ds.ctCaps(), contentType);
        return names.isEmpty() ? names(devInf.ctCaps(), contentType) : names;
    }

    private static Set<String> names(List<CtCap> caps, String contentType) {
        Set<String> out = new HashSet<>();
        for (CtCap cap : caps) {
            if (cap.ctType() != null && cap.ctType().trim().equalsIgnoreCase(contentType)) {
                for (CtProperty p : cap.properties()) {
                    String name = p.name() == null ? "" : p.name().trim().toUpperCase(Locale.ROOT);
                    if (!name.isEmpty() && !STRUCTURAL.contains(name)) {
                        out.add(name);
                    }
                }
            }
        }
        return Set.copyOf(out);
    }

    /** The device's datastore {@code clientUri}, or else its first datastore of the same kind. */
    private static DataStore dataStore(DevInf devInf, String clientUri, Datastore datastore) {
        if (devInf == null) {
            return null;
        }
        for (DataStore ds : devInf.dataStores()) {
            if (sameUri(ds.sourceRef(), clientUri)) {
                return ds;
            }
        }
        for (DataStore ds : devInf.dataStores()) {
            if (Datastore.resolve(ds.sourceRef()).orElse(null) == datastore) {
                return ds;
            }
        }
        return null;
    }

    private static Optional<String> producible(ContentTypeRef r, ItemContent content) {
        if (r == null || r.ctType() == null) {
            return Optional.empty();
        }
        String type = r.ctType().trim();
        for (String t : content.contentTypes()) {
            if (t.equalsIgnoreCase(type)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static boolean sameUri(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String u) {
        return u.startsWith("./") ? u.substring(2) : u;
    }
}
