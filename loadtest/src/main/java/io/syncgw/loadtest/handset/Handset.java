package io.syncgw.loadtest.handset;

import io.syncgw.codec.model.SyncMlVersion;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One simulated device and everything it keeps between sessions: its datastores (items, LUIDs, anchors, pending
 * changes), the nonce the server gave it for the next MD5 login, and its settings (auth scheme, MaxMsgSize, wire
 * format). Not thread-safe: a handset runs one session at a time, and the simulation hands it to one virtual user
 * at a time.
 */
public final class Handset {
    /** How the handset authenticates ({@code syncml:auth-basic} or {@code syncml:auth-md5}). */
    public enum Auth { BASIC, MD5 }

    public final String deviceUri;
    public final String login;
    public final String password;
    public final Auth auth;
    /** The MaxMsgSize it announces: the server's messages must fit, and its own do too (as SyncEvolution's). */
    public final long maxMsgSize;
    public final WireFormat wire;
    public final SyncMlVersion version;

    /** Sends its DevInf (Put) in every session, not only in the first (some phones do). */
    public boolean devInfEverySession;
    /** Acknowledges the server's last package with one more message, as SyncEvolution does. */
    public boolean trailingAck = true;
    /**
     * Sync without separate initialization: a two-way session of a handset that has synced before sends its changes
     * with the Alerts in package 1 when they fit in one message, and does not ask for the server's DevInf again (it
     * keeps it from the first session). With {@link #trailingAck} off, a session without changes on either side is
     * two exchanges, the idle session. A 508 for the changes (the server wants a slow sync) falls back to
     * package 3.
     */
    public boolean combinedInit;

    private final Map<String, LocalStore> stores = new LinkedHashMap<>();
    String nonce = "";
    int sessions;
    int anchorCounter;
    boolean devInfSent;

    public Handset(String deviceUri, String login, String password, Auth auth, long maxMsgSize, WireFormat wire) {
        this.deviceUri = Objects.requireNonNull(deviceUri, "deviceUri");
        this.login = Objects.requireNonNull(login, "login");
        this.password = Objects.requireNonNull(password, "password");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.maxMsgSize = maxMsgSize;
        this.wire = Objects.requireNonNull(wire, "wire");
        this.version = SyncMlVersion.V1_2;
    }

    /** Adds a datastore the handset syncs (every session alerts all of them, in the order added). */
    public LocalStore addStore(LocalStore store) {
        stores.put(store.serverUri, store);
        return store;
    }

    /** An address book in vCard 2.1 ({@code text/x-vcard}) or 3.0 ({@code text/vcard}). */
    public LocalStore addContacts(boolean vcard21) {
        return addStore(new LocalStore("contacts", "./contacts", vcard21 ? "text/x-vcard" : "text/vcard",
                vcard21 ? "2.1" : "3.0"));
    }

    /** A calendar in vCalendar 1.0 ({@code text/x-vcalendar}) or iCalendar 2.0 ({@code text/calendar}). */
    public LocalStore addCalendar(boolean vcal10) {
        return addStore(new LocalStore("calendar", "./calendar", vcal10 ? "text/x-vcalendar" : "text/calendar",
                vcal10 ? "1.0" : "2.0"));
    }

    public LocalStore store(String serverUri) {
        LocalStore s = stores.get(serverUri);
        if (s == null) {
            throw new IllegalArgumentException("no datastore " + serverUri + " on " + deviceUri);
        }
        return s;
    }

    public Collection<LocalStore> stores() {
        return stores.values();
    }

    /** Sessions started so far. */
    public int sessions() {
        return sessions;
    }

    /** Starts a session that asks for {@code mode} (200 two-way...; a store without anchor asks for 201). */
    public SyncRun startSync(String serverUrl, int mode) {
        return new SyncRun(this, serverUrl, mode);
    }

    @Override
    public String toString() {
        return "Handset[" + deviceUri + " of " + login + "]";
    }
}
