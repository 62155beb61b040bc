package io.syncgw.loadtest.simulations;

import io.syncgw.loadtest.handset.Handset;
import io.syncgw.loadtest.handset.LocalStore;
import io.syncgw.loadtest.handset.Pim;
import io.syncgw.loadtest.handset.WireFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A handset of the simulated population and what the simulation knows about it: its account, and the generator of
 * its own changes. A device edits and deletes only contacts it created itself, so devices of one account never
 * conflict and the server's expected count per account is the sum of what its devices created and kept.
 */
final class Device {
    static final String PASSWORD = "loadtest-secret";

    final Handset handset;
    final String login;
    final int accountIndex;
    private final long keyBase;
    private int nextKey;
    private final SplittableRandom rnd;
    private final boolean vcard21;

    Device(String login, int accountIndex, String deviceUri, Handset.Auth auth, long maxMsgSize, WireFormat wire,
           boolean vcard21, boolean calendar, long seed) {
        this.login = login;
        this.accountIndex = accountIndex;
        this.vcard21 = vcard21;
        this.handset = new Handset(deviceUri, login, PASSWORD, auth, maxMsgSize, wire);
        handset.addContacts(vcard21);
        if (calendar) {
            handset.addCalendar(vcard21);
        }
        this.keyBase = (seed & 0xFFFFFFL) * 100_000L;
        this.rnd = new SplittableRandom(seed);
    }

    LocalStore contacts() {
        return handset.store("contacts");
    }

    /** Adds {@code n} new contacts; each has a photo of 20-60 KB with probability {@code photoShare}. */
    void addContacts(int n, double photoShare) {
        for (int i = 0; i < n; i++) {
            int photo = rnd.nextDouble() < photoShare ? 20_000 + rnd.nextInt(40_000) : 0;
            contacts().addLocal(Pim.contact(keyBase + nextKey++, 0, vcard21, photo));
        }
    }

    void addEvents(int n) {
        LocalStore cal = handset.store("calendar");
        for (int i = 0; i < n; i++) {
            cal.addLocal(Pim.event(keyBase + nextKey++, 0, vcard21));
        }
    }

    /** Edits {@code n} of its own contacts (a new revision each). */
    void modifyContacts(int n) {
        List<String> own = contacts().ownItems();
        for (int i = 0; i < n && !own.isEmpty(); i++) {
            String luid = own.get(rnd.nextInt(own.size()));
            contacts().modifyLocal(luid, Pim.contact(keyBase + nextKey++, 1 + rnd.nextInt(9), vcard21, 0));
        }
    }

    /** Deletes {@code n} of its own contacts, keeping at least {@code keep}. */
    void deleteContacts(int n, int keep) {
        List<String> own = contacts().ownItems();
        for (int i = 0; i < n && own.size() > keep; i++) {
            String luid = own.remove(rnd.nextInt(own.size()));
            contacts().deleteLocal(luid);
        }
    }

    /** {@code total} changes at random among add, edit and delete. */
    void randomChanges(int total, double photoShare) {
        for (int i = 0; i < total; i++) {
            int kind = rnd.nextInt(10);
            if (kind < 4 || contacts().ownItems().size() < 3) {
                addContacts(1, photoShare);
            } else if (kind < 8) {
                modifyContacts(1);
            } else {
                deleteContacts(1, 2);
            }
        }
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    double nextDouble() {
        return rnd.nextDouble();
    }
}
