package io.syncgw.codec.model;

import java.util.List;

/**
 * Meta information (OMA-TS-SyncML_MetaInfo-V1_2). Every component is optional: null when absent, lists empty.
 *
 * @param format     {@code Format} (e.g. "b64", "chr")
 * @param type       {@code Type}: a MIME type or an auth type such as "syncml:auth-md5"
 * @param mark       {@code Mark}
 * @param size       {@code Size} in bytes (the whole object, sent with the first chunk of a large object)
 * @param anchor     {@code Anchor}
 * @param version    {@code Version}
 * @param nextNonce  {@code NextNonce}, base64 text as sent
 * @param maxMsgSize {@code MaxMsgSize}
 * @param maxObjSize {@code MaxObjSize}
 * @param emi        {@code EMI} values (vendor extensions), in order
 */
public record Meta(String format, String type, String mark, Long size, Anchor anchor, String version,
                   String nextNonce, Long maxMsgSize, Long maxObjSize, List<String> emi) {

    /** A Meta with nothing in it. */
    public static final Meta EMPTY = new Meta(null, null, null, null, null, null, null, null, null, List.of());

    public Meta {
        emi = List.copyOf(emi);
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }

    public static Meta ofType(String type) {
        return EMPTY.withType(type);
    }

    public Meta withFormat(String v) {
        return new Meta(v, type, mark, size, anchor, version, nextNonce, maxMsgSize, maxObjSize, emi);
    }

    public Meta withType(String v) {
        return new Meta(format, v, mark, size, anchor, version, nextNonce, maxMsgSize, maxObjSize, emi);
    }

    public Meta withSize(Long v) {
        return new Meta(format, type, mark, v, anchor, version, nextNonce, maxMsgSize, maxObjSize, emi);
    }

    public Meta withAnchor(Anchor v) {
        return new Meta(format, type, mark, size, v, version, nextNonce, maxMsgSize, maxObjSize, emi);
    }

    public Meta withNextNonce(String v) {
        return new Meta(format, type, mark, size, anchor, version, v, maxMsgSize, maxObjSize, emi);
    }

    public Meta withMaxMsgSize(Long v) {
        return new Meta(format, type, mark, size, anchor, version, nextNonce, v, maxObjSize, emi);
    }

    public Meta withMaxObjSize(Long v) {
        return new Meta(format, type, mark, size, anchor, version, nextNonce, maxMsgSize, v, emi);
    }
}
