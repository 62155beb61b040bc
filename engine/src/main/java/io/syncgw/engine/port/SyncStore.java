package io.syncgw.engine.port;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Storage of accounts' items, devices, mappings and anchors, as the engine needs it. Each method is one unit of work
 * (and, for an implementation over a database, a small fixed number of round trips whatever the number of items).
 * Errors are signalled as {@link StoreUnavailableException} when the store cannot be reached.
 */
public interface SyncStore {

    /** The account for a login and, if known to it, the device. Changes nothing. */
    Mono<AccountLookup> lookupAccount(String login, String deviceUri);

    /**
     * {@link #lookupAccount} that also stores the device's next MD5 nonce when the message's digest is right: when the
     * account has MD5 enabled, the device is known and active and {@code digest} is the SyncML 1.1 digest of the
     * account's MD5 secret with the device's stored nonce ({@link io.syncgw.engine.auth.Md5Auth#expected}), the
     * stored nonce becomes {@code nextNonce} in the same unit of work, and the lookup says so
     * ({@link AccountLookup#nonceRotated()}). The device record returned holds the nonce before. The engine checks
     * the credentials itself after; this check only decides the write, so wrong credentials still write nothing,
     * and a session that logs in with MD5 needs no write of its own for its next nonce.
     */
    default Mono<AccountLookup> lookupAccount(String login, String deviceUri, String nextNonce, byte[] digest) {
        return lookupAccount(login, deviceUri, nextNonce, digest, false);
    }

    /**
     * {@link #lookupAccount(String, String, String, byte[])} that, when {@code settled}, also says which datastores
     * the device is owed nothing of ({@link AccountLookup#settled}); otherwise that set is empty. Asked only by a
     * message that can use the answer, as working it out costs the store reads.
     */
    Mono<AccountLookup> lookupAccount(String login, String deviceUri, String nextNonce, byte[] digest,
                                      boolean settled);

    /**
     * Registers the device with the account, or returns it when already registered. A new device takes the lowest
     * free slot, else the lowest slot whose device is non-active (that device's mappings and anchors go; the
     * account's data stays); the account's own limit, else {@code defaultMaxDevices}, bounds the slots. When every
     * slot holds an active device, nothing changes: {@link Registration.NoFreeSlot}.
     */
    Mono<Registration> registerDevice(long accountId, String deviceUri, int defaultMaxDevices);

    /** {@link #registerDevice(long, String, int)} with room for 64 devices, for tools and tests. */
    default Mono<DeviceRecord> registerDevice(long accountId, String deviceUri) {
        return registerDevice(accountId, deviceUri, 64).map(r -> {
            if (r instanceof Registration.Registered reg) {
                return reg.device();
            }
            throw new IllegalStateException("no free slot: " + r);
        });
    }

    /** The device information last stored for a device, as XML; empty when none. */
    Mono<String> loadDevInf(long deviceId);

    /** The committed anchors of each of the device's datastores. */
    Mono<Map<String, StoredAnchor>> loadAnchors(long deviceId);

    /**
     * Facts about the items a message names: the device's mappings for {@code luids}, and live items of the datastore
     * that are not mapped to the device and whose twin key is in {@code twinKeys}.
     */
    default Mono<ItemFacts> lookupItems(long accountId, long deviceId, String datastore, Collection<String> luids,
                                        Collection<String> twinKeys) {
        return lookupItems(accountId, deviceId, datastore, luids, twinKeys, Map.of());
    }

    /**
     * {@link #lookupItems(long, long, String, Collection, Collection)} that also reads the server copies a merge
     * needs, in the same round trip: for each LUID of {@code baseHashes} that maps a live item whose content hash
     * differs from the one given (the hash of what the device sends now), the item's content
     * ({@link ItemFacts#bases()}).
     */
    Mono<ItemFacts> lookupItems(long accountId, long deviceId, String datastore, Collection<String> luids,
                                Collection<String> twinKeys, Map<String, String> baseHashes);

    /** Applies a batch in one transaction. */
    Mono<WriteResult> write(WriteBatch batch);

    /**
     * {@link #write(WriteBatch)}, then {@link #pendingChanges(long, long, String, ItemFilter, int)} for the batch's
     * device as it is after the write (a message that ends the client's changes asks for both in a row). A store over
     * a database does both in one round trip and one transaction. When the write fails (a busy device among them),
     * nothing is read.
     */
    default Mono<WrittenAndPending> write(WriteBatch batch, PendingRead read) {
        return write(batch).flatMap(r -> pendingChanges(batch.accountId(), batch.deviceId(), read.datastore(),
                read.filter(), read.contentBudget()).map(p -> new WrittenAndPending(r, p)));
    }

    /**
     * What the device is owed for a datastore: items passing {@code filter} that it lacks or holds in an older
     * version, items it holds that were deleted, and items it holds that no longer pass the filter (REMOVE).
     */
    default Mono<List<PendingChange>> pendingChanges(long accountId, long deviceId, String datastore,
                                                     ItemFilter filter) {
        return pendingChanges(accountId, deviceId, datastore, filter, 0);
    }

    /**
     * {@link #pendingChanges(long, long, String, ItemFilter)} with the content of the first Adds and Replaces, in the
     * list's order, as long as their sizes add up to at most {@code contentBudget} characters
     * ({@link PendingChange#content()}): what the first message to the device can hold, read in the same round trip.
     */
    Mono<List<PendingChange>> pendingChanges(long accountId, long deviceId, String datastore, ItemFilter filter,
                                             int contentBudget);

    /** Current content of items, by id. Items that no longer exist are absent from the map. */
    Mono<Map<Long, StoredItem>> loadItems(long accountId, Collection<Long> itemIds);

    /** The spooled chunks of a large object, concatenated in order; "" when there are none. */
    Mono<String> loadChunks(long deviceId, String datastore, String luid);

    /** Drops spooled chunks older than {@code before}: objects whose session ended without the last chunk. */
    Mono<Long> purgeChunksBefore(java.time.Instant before);
}
