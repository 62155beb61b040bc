package io.syncgw.engine.session;

import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.auth.Credentials;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.StoredItem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The handling of one client message, from receipt to reply. */
final class Work {
    final SyncMessage msg;
    Credentials credentials;
    /** The device's next MD5 nonce, given to the account lookup; whether the lookup stored it. */
    String nextNonce;
    boolean nonceRotated;
    /**
     * The datastores of which the account lookup of this message found the device owed nothing under no filter
     * (AccountLookup#settled): true of this message only, as other devices' changes may arrive after it.
     */
    java.util.Set<String> settled = java.util.Set.of();
    boolean authDone;
    boolean processed;
    boolean written;
    /** Set once the session is authenticated (account and device known). */
    BatchBuilder batch;
    final Map<String, ItemFacts> facts = new HashMap<>();
    /** Status drafts of item writes, by item id, to turn into 419 when the write meets a concurrent change. */
    final Map<Long, List<StatusDraft>> writeStatuses = new HashMap<>();
    /**
     * Sync without separate initialization (Alerts and Syncs in package 1): the Alerts were handled before the item
     * facts were looked up, so that the lookups know the datastores' modes.
     */
    boolean alertsHandled;
    /**
     * The Syncs of this package 1 are refused (508): the server turned a datastore's sync into one where the client
     * sends everything, and the changes sent with the Alert are not that. The client sends package 3 next.
     */
    boolean refusesSyncs;
    /** This message ends the client's modifications: prepare the server's package. */
    boolean serverPackageStarts;
    /** This message ends the session: anchors are committed with its writes. */
    boolean completesSession;
    /** Changes chosen for the reply, whose content is being loaded. */
    List<PendingChange> chosen;
    Map<Long, StoredItem> contents;
    /** Contents that came with the pending changes in this message, by item id. */
    final Map<Long, StoredItem> prefetched = new HashMap<>();
    /** Spooled chunks of large objects completed by this message, keyed "datastore/luid". */
    final Map<String, String> spooled = new HashMap<>();
    /** Chunks of this message not yet spooled (first and last chunk in one message). */
    final Map<String, StringBuilder> unspooled = new HashMap<>();
    /** Twin keys of this message's items (computing one parses the vCard), by item identity. */
    final Map<io.syncgw.codec.model.Item, String> twinKeys = new java.util.IdentityHashMap<>();
    /** Content hashes of this message's items, by item (identity). */
    final Map<io.syncgw.codec.model.Item, String> contentHashes = new java.util.IdentityHashMap<>();

    /** Whole texts of the items complete in this message (large objects assembled), by item identity. */
    final Map<io.syncgw.codec.model.Item, String> completeTexts = new java.util.IdentityHashMap<>();
    /** Server copies of the items this message updates, to merge into; null until looked up. */
    Map<Long, StoredItem> mergeBases;
    /** Merge bases that came with the item facts, while the others are loaded. */
    Map<Long, StoredItem> basesRead = Map.of();
    boolean loadingMergeBases;

    final MessageReport.Builder report = new MessageReport.Builder();

    Work(SyncMessage msg) {
        this.msg = msg;
    }
}
