package io.syncgw.codec.tree;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The encoded bytes of a few immutable model objects, found by identity: the server's DevInf (some 12 KB with its
 * CTCaps) is one shared instance per SyncML version and server URI, and each session answering a {@code Get} used
 * to encode it three times (sizing the reply, packing it, writing it): 13 % of the gateway's profile samples in an
 * idle session, some 0.07 ms of its CPU (loadtest/RESULTS.md, fourth round).
 *
 * <p>Identity, not equality: comparing two DevInf trees would cost as much as encoding one. An object seen for the
 * first time is encoded and takes a slot from the oldest entry (round robin), so a stream of distinct objects (the
 * devices' own DevInf, encoded by a client) costs one encoding each, as without the cache, and the cache never holds
 * more than {@code slots} entries. Thread-safe; a race at most encodes an object twice. Callers must not modify the
 * bytes they are given.
 *
 * @param <K> the kind of object encoded
 */
public final class EncodingCache<K> {
    private record Entry(Object key, byte[] bytes) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final AtomicInteger next = new AtomicInteger();

    public EncodingCache(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be positive: " + slots);
        }
        this.slots = new AtomicReferenceArray<>(slots);
    }

    /** The bytes {@code encoder} made for this very object, encoding it now if they are not held. */
    public byte[] get(K key, Function<? super K, byte[]> encoder) {
        for (int i = 0; i < slots.length(); i++) {
            Entry e = slots.get(i);
            if (e != null && e.key() == key) {
                return e.bytes();
            }
        }
        byte[] bytes = encoder.apply(key);
        slots.set(Math.floorMod(next.getAndIncrement(), slots.length()), new Entry(key, bytes));
        return bytes;
    }
}
