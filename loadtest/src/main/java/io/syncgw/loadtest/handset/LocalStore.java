package io.syncgw.loadtest.handset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One datastore of a handset (its address book or calendar): items by LUID, the changes made since the last
 * completed sync, and the anchor of that sync. Changed only between sessions (by the simulation) and by the
 * {@link SyncRun} of the handset, never concurrently.
 */
public final class LocalStore {
    /** The server's name of the datastore ("contacts", "calendar"). */
    public final String serverUri;
    /** The device's own name of it ("./contacts"). */
    public final String localUri;
    /** The MIME type of the items ("text/x-vcard", "text/vcard", "text/x-vcalendar", "text/calendar"). */
    public final String contentType;
    /** The version of that type ("2.1", "3.0", "1.0", "2.0"). */
    public final String contentVersion;

    final Map<String, String> items = new LinkedHashMap<>();
    final Set<String> added = new LinkedHashSet<>();
    final Set<String> modified = new LinkedHashSet<>();
    final Set<String> deleted = new LinkedHashSet<>();
    /** Items created on this handset and still there: the ones the simulation edits (no cross-device conflicts). */
    final Set<String> own = new LinkedHashSet<>();
    String lastAnchor;
    int nextLuid = 1;
    /** The server answered 404 to the last Alert for this store (not served). */
    boolean notServed;

    public LocalStore(String serverUri, String localUri, String contentType, String contentVersion) {
        this.serverUri = serverUri;
        this.localUri = localUri;
        this.contentType = contentType;
        this.contentVersion = contentVersion;
    }

    /** Adds an item created on the device; returns its LUID. */
    public String addLocal(String data) {
        String luid = newLuid();
        items.put(luid, data);
        added.add(luid);
        own.add(luid);
        return luid;
    }

    public void modifyLocal(String luid, String data) {
        if (!items.containsKey(luid)) {
            throw new IllegalArgumentException("no item " + luid);
        }
        items.put(luid, data);
        if (!added.contains(luid)) {
            modified.add(luid);
        }
    }

    public void deleteLocal(String luid) {
        if (items.remove(luid) == null) {
            throw new IllegalArgumentException("no item " + luid);
        }
        own.remove(luid);
        if (!added.remove(luid)) {
            modified.remove(luid);
            deleted.add(luid);
        }
    }

    String newLuid() {
        return Integer.toString(nextLuid++);
    }

    /** Items created here that are still on the device, oldest first. */
    public List<String> ownItems() {
        return new ArrayList<>(own);
    }

    /** Every LUID on the device, in insertion order. */
    public List<String> luids() {
        return new ArrayList<>(items.keySet());
    }

    public int size() {
        return items.size();
    }

    public String item(String luid) {
        return items.get(luid);
    }

    /** Changes not yet acknowledged by a completed session. */
    public int pendingChanges() {
        return added.size() + modified.size() + deleted.size();
    }

    public String lastAnchor() {
        return lastAnchor;
    }

    public boolean notServed() {
        return notServed;
    }
}
