package io.syncgw.engine.session;

import io.syncgw.engine.port.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/** Collects a message's writes into one {@link WriteBatch}. */
final class BatchBuilder {
    private final long accountId;
    private final long deviceId;
    String nonce;
    WriteBatch.DevInfUpdate devInf;
    final List<String> resets = new ArrayList<>();
    final List<WriteBatch.NewItem> inserts = new ArrayList<>();
    final List<WriteBatch.ItemUpdate> updates = new ArrayList<>();
    final List<WriteBatch.ItemDelete> deletes = new ArrayList<>();
    final List<WriteBatch.MapUpsert> mapUpserts = new ArrayList<>();
    final List<WriteBatch.MapRemove> mapRemoves = new ArrayList<>();
    final List<WriteBatch.MappingPrune> prunes = new ArrayList<>();
    final List<WriteBatch.ItemPrune> itemPrunes = new ArrayList<>();
    final List<WriteBatch.AnchorCommit> anchors = new ArrayList<>();

    BatchBuilder(long accountId, long deviceId) {
        this.accountId = accountId;
        this.deviceId = deviceId;
    }

    WriteBatch build() {
        return new WriteBatch(accountId, deviceId, nonce, devInf, resets, inserts, updates, deletes, mapUpserts,
                mapRemoves, prunes, itemPrunes, anchors);
    }

    boolean isEmpty() {
        return build().isEmpty();
    }
}
