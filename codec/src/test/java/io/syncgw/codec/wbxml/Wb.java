package io.syncgw.codec.wbxml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-made WBXML for tests: bytes, mb_u_int32, inline strings, and the pieces of a minimal SyncML message. */
final class Wb {
    /** WBXML 1.2, SyncML 1.2, UTF-8, no string table. */
    static final int[] HEADER_12 = {0x02, 0xA4, 0x01, 0x6A, 0x00};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wb wbxml() {
        return new Wb();
    }

    /** Header of SyncML 1.2, then {@code <SyncML><SyncHdr>...</SyncHdr>}: what a body needs in front of it. */
    static Wb message() {
        return wbxml().b(HEADER_12).syncMlAndHeader();
    }

    Wb syncMlAndHeader() {
        return b(0x6D, 0x6C).el(0x71, "1.2").el(0x72, "SyncML/1.2").el(0x65, "1").el(0x5B, "1")
                .b(0x6E).el(0x57, "http://s/sync").b(0x01).b(0x67).el(0x57, "dev").b(0x01).b(0x01);
    }

    Wb b(int... bytes) {
        for (int x : bytes) {
            out.write(x);
        }
        return this;
    }

    Wb bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Wb mb(long v) {
        WbxmlOutput o = new WbxmlOutput(8);
        o.mbUInt32(v);
        return bytes(o.toByteArray());
    }

    /** STR_I with a terminator. */
    Wb str(String s) {
        return b(0x03).bytes(s.getBytes(StandardCharsets.UTF_8)).b(0x00);
    }

    /** An element with content: tag (content bit set here), an inline string, END. */
    Wb el(int tag, String text) {
        return b(tag | 0x40).str(text).b(0x01);
    }

    Wb opaque(byte[] data) {
        return b(0xC3).mb(data.length).bytes(data);
    }

    Wb repeat(int times, int... bytes) {
        for (int i = 0; i < times; i++) {
            b(bytes);
        }
        return this;
    }

    byte[] done() {
        return out.toByteArray();
    }
}
