package io.syncgw.codec.model.devinf;

/** A content type and its version, as in {@code Rx-Pref}, {@code Tx}, {@code Filter-Rx} (DevInf §5.3.10). */
public record ContentTypeRef(String ctType, String verCt) {
}
