package io.syncgw.codec.model.devinf;

/** {@code DSMem} (DevInf §5.3.9): memory limits of a datastore; any component may be null. */
public record DsMem(boolean sharedMem, Long maxMem, Long maxId) {
}
