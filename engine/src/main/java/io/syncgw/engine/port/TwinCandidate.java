package io.syncgw.engine.port;

/** A live server item the device has no mapping for, whose normalised identity equals a client item's. */
public record TwinCandidate(String twinKey, long itemId, long changeSeq, String contentHash) {
}
