package io.syncgw.codec.wbxml;

import java.util.Arrays;

/**
 * A growable byte array with the WBXML primitives: single bytes, {@code mb_u_int32} (WBXML 1.3 §5.1) and UTF-8
 * strings. Characters UTF-8 cannot carry (unpaired surrogates) are written as U+FFFD.
 */
final class WbxmlOutput {
    private static final char REPLACEMENT = '\uFFFD';

    private byte[] buf;
    private int len;

    WbxmlOutput(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    int size() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void write(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** An unsigned 32-bit integer in 7-bit groups, most significant first, continuation bit on all but the last. */
    void mbUInt32(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not an mb_u_int32: " + value);
        }
        int groups = 1;
        while (groups < 5 && (value >>> (7 * groups)) != 0) {
            groups++;
        }
        ensure(groups);
        for (int g = groups - 1; g > 0; g--) {
            buf[len++] = (byte) (0x80 | ((value >>> (7 * g)) & 0x7F));
        }
        buf[len++] = (byte) (value & 0x7F);
    }

    /** Bytes {@link #utf8} writes for {@code s}. */
    static int utf8Length(String s, boolean nulAllowed) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 && !nulAllowed) {
                n += 3; // U+FFFD
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3; // BMP character, or an unpaired surrogate written as U+FFFD
            }
        }
        return n;
    }

    /**
     * {@code s} as UTF-8. Unpaired surrogates become U+FFFD; so does U+0000 unless {@code nulAllowed} (an inline
     * string ends at its first zero byte, an opaque block has a length).
     */
    void utf8(String s, boolean nulAllowed) {
        ensure(utf8Length(s, nulAllowed));
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 && !nulAllowed) {
                c = REPLACEMENT;
            }
            if (c < 0x80) {
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) {
                    c = REPLACEMENT;
                }
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra + 64));
        }
    }
}
