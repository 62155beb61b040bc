package io.syncgw.engine.devinf;

import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.pim.ContactFormat;
import io.syncgw.engine.sync.Datastore;
import java.util.Optional;

/** What a device's own device information says it wants: the format it prefers to receive for a datastore. */
public final class DevicePreferences {
    private DevicePreferences() {
    }

    /**
     * The contact format the device prefers to receive in the datastore it calls {@code clientUri}: its
     * {@code Rx-Pref}, or the first {@code Rx} syncgw can produce. Empty when the device said nothing usable.
     */
    public static Optional<ContactFormat> preferredContactFormat(DevInf devInf, String clientUri) {
        if (devInf == null) {
            return Optional.empty();
        }
        DataStore match = null;
        for (DataStore ds : devInf.dataStores()) {
            if (sameUri(ds.sourceRef(), clientUri)) {
                match = ds;
                break;
            }
        }
        if (match == null) {
            for (DataStore ds : devInf.dataStores()) {
                if (Datastore.resolve(ds.sourceRef()).orElse(null) == Datastore.CONTACTS) {
                    match = ds;
                    break;
                }
            }
        }
        if (match == null) {
            return Optional.empty();
        }
        Optional<ContactFormat> pref = format(match.rxPref());
        if (pref.isPresent()) {
            return pref;
        }
        for (ContentTypeRef r : match.rx()) {
            Optional<ContactFormat> f = format(r);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    private static Optional<ContactFormat> format(ContentTypeRef r) {
        return r == null || r.ctType() == null ? Optional.empty() : ContactFormat.ofContentType(r.ctType());
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
