package io.syncgw.engine.port;

/** An item's current content, loaded when a server change is about to be sent. */
public record StoredItem(long itemId, long changeSeq, boolean deleted, String contentType, String content) {
}
