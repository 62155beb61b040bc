package io.syncgw.persistence.testing;

import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.sync.ContentHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds {@link WriteBatch}es for tests: {@code Batch.of(acc, dev).insert(1, "contacts", "A", "k", "1").build()}. */
public final class Batch {

    public static final String VCARD = "text/vcard";

    private final long accountId;
    private final long deviceId;
    private String nonce;
    private WriteBatch.DevInfUpdate devInf;
    private final List<String> resets = new ArrayList<>();
    private final List<WriteBatch.NewItem> inserts = new ArrayList<>();
    private final List<WriteBatch.ItemUpdate> updates = new ArrayList<>();
    private final List<WriteBatch.ItemDelete> deletes = new ArrayList<>();
    private final List<WriteBatch.MapUpsert> mapUpserts = new ArrayList<>();
    private final List<WriteBatch.MapRemove> mapRemoves = new ArrayList<>();
    private final List<WriteBatch.MappingPrune> prunes = new ArrayList<>();
    private final List<WriteBatch.ItemPrune> itemPrunes = new ArrayList<>();
    private final List<WriteBatch.AnchorCommit> anchors = new ArrayList<>();

    private Batch(long accountId, long deviceId) {
        this.accountId = accountId;
        this.deviceId = deviceId;
    }

    public static Batch of(long accountId, long deviceId) {
        return new Batch(accountId, deviceId);
    }

    public Batch nonce(String value) {
        nonce = value;
        return this;
    }

    public Batch devInf(String xml, String hash) {
        devInf = new WriteBatch.DevInfUpdate(xml, hash);
        return this;
    }

    public Batch reset(String datastore) {
        resets.add(datastore);
        return this;
    }

    public Batch insert(int ref, String datastore, String content, String twinKey, String luid) {
        inserts.add(new WriteBatch.NewItem(ref, datastore, VCARD, content, twinKey,
                content == null ? null : ContentHash.of(content), luid));
        return this;
    }

    public Batch update(long itemId, Long expectedSeq, String datastore, String content, String twinKey,
                        String luid) {
        updates.add(new WriteBatch.ItemUpdate(itemId, expectedSeq, VCARD, content, twinKey, ContentHash.of(content),
                datastore, luid));
        return this;
    }

    public Batch delete(long itemId, Long expectedSeq) {
        deletes.add(new WriteBatch.ItemDelete(itemId, expectedSeq));
        return this;
    }

    public Batch mapUpsert(long itemId, String datastore, String luid, Long knownSeq) {
        mapUpserts.add(new WriteBatch.MapUpsert(itemId, datastore, luid, knownSeq));
        return this;
    }

    public Batch mapRemove(long itemId) {
        mapRemoves.add(new WriteBatch.MapRemove(itemId));
        return this;
    }

    public Batch prune(String datastore, String... keepLuids) {
        prunes.add(new WriteBatch.MappingPrune(datastore, Set.of(keepLuids)));
        return this;
    }

    public Batch itemPrune(String datastore) {
        itemPrunes.add(new WriteBatch.ItemPrune(datastore));
        return this;
    }

    private final List<WriteBatch.Checkpoint> checkpoints = new ArrayList<>();
    private final List<String> resumeClears = new ArrayList<>();

    public Batch checkpoint(String datastore, int mode, String clientLast, String... luids) {
        checkpoints.add(new WriteBatch.Checkpoint(datastore, mode, clientLast, java.util.Set.of(luids)));
        return this;
    }

    public Batch clearCheckpoint(String datastore) {
        resumeClears.add(datastore);
        return this;
    }

    private final List<WriteBatch.ChunkAppend> chunkAppends = new ArrayList<>();
    private final List<WriteBatch.ChunkDiscard> chunkDiscards = new ArrayList<>();

    public Batch chunk(String datastore, String luid, int index, String data) {
        chunkAppends.add(new WriteBatch.ChunkAppend(datastore, luid, index, data));
        return this;
    }

    public Batch discardChunks(String datastore, String luid) {
        chunkDiscards.add(new WriteBatch.ChunkDiscard(datastore, luid));
        return this;
    }

    public Batch anchor(String datastore, String clientNext, String serverNext) {
        anchors.add(new WriteBatch.AnchorCommit(datastore, clientNext, serverNext));
        return this;
    }

    public WriteBatch build() {
        return new WriteBatch(accountId, deviceId, nonce, devInf, resets, inserts, updates, deletes, mapUpserts,
                mapRemoves, prunes, itemPrunes, anchors, chunkAppends, chunkDiscards, checkpoints, resumeClears);
    }
}
