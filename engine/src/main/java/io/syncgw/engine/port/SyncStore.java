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
    Mono<ItemFacts> lookupItems(long accountId, long deviceId, String datastore, Collection<String> luids,
                                Collection<String> twinKeys);

    /** Applies a batch in one transaction. */
    Mono<WriteResult> write(WriteBatch batch);

    /**
     * What the device is owed for a datastore: items passing {@code filter} that it lacks or holds in an older
     * version, items it holds that were deleted, and items it holds that no longer pass the filter (REMOVE).
     */
    Mono<List<PendingChange>> pendingChanges(long accountId, long deviceId, String datastore, ItemFilter filter);

    /** Current content of items, by id. Items that no longer exist are absent from the map. */
    Mono<Map<Long, StoredItem>> loadItems(long accountId, Collection<Long> itemIds);

    /** The spooled chunks of a large object, concatenated in order; "" when there are none. */
    Mono<String> loadChunks(long deviceId, String datastore, String luid);

    /** Drops spooled chunks older than {@code before}: objects whose session ended without the last chunk. */
    Mono<Long> purgeChunksBefore(java.time.Instant before);
}
