package io.syncgw.codec.xml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal UTF-8 XML writer into a growable byte array, used by {@link XmlElementSink}. No indentation and no
 * namespace bookkeeping: every element's output is independent of what came before, which is what lets the encoder
 * size commands exactly.
 *
 * <p>Characters XML 1.0 cannot carry (controls other than TAB/LF/CR, unpaired surrogates, U+FFFE/U+FFFF) are
 * written as U+FFFD, so the output is always well-formed.
 */
final class XmlOutput {
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private byte[] buf;
    private int len;
    /** Only counts what would be written (for sizing commands): no buffer at all. */
    private final boolean counting;

    XmlOutput(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
        counting = false;
    }

    private XmlOutput() {
        buf = null;
        counting = true;
    }

    /** An output that keeps nothing and only counts the bytes written: {@link #size()} is what it would hold. */
    static XmlOutput counter() {
        return new XmlOutput();
    }

    int size() {
        return len;
    }

    byte[] toByteArray() {
        if (counting) {
            throw new IllegalStateException("a counting output holds no bytes");
        }
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    XmlOutput raw(String ascii) {
        if (counting) {
            len += ascii.length();
            return this;
        }
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    /** Bytes already encoded by an {@code XmlOutput} (a cached fragment). */
    XmlOutput raw(byte[] encoded) {
        if (counting) {
            len += encoded.length;
        } else {
            bytes(encoded);
        }
        return this;
    }

    XmlOutput start(String name) {
        return raw("<").raw(name).raw(">");
    }

    /** Start tag with a default-namespace declaration, e.g. {@code <Type xmlns="syncml:metinf">}. */
    XmlOutput start(String name, String namespace) {
        return raw("<").raw(name).raw(" xmlns=\"").raw(namespace).raw("\">");
    }

    XmlOutput end(String name) {
        return raw("</").raw(name).raw(">");
    }

    XmlOutput empty(String name) {
        return raw("<").raw(name).raw("/>");
    }

    XmlOutput empty(String name, String namespace) {
        return raw("<").raw(name).raw(" xmlns=\"").raw(namespace).raw("\"/>");
    }

    /** Escaped character data. */
    XmlOutput text(String s) {
        writeChars(s, true);
        return this;
    }

    /**
     * Character data inside CDATA sections, split where the text contains {@code ]]>}. Used for item payloads: what
     * devices' parsers expect, and cheaper for them than entity-escaped vCards. Text with a carriage return is
     * escaped instead, because a reader normalises CR LF to LF inside CDATA and the CR would be lost.
     */
    XmlOutput payload(String s) {
        if (s.indexOf('\r') >= 0) {
            return text(s);
        }
        raw("<![CDATA[");
        int from = 0;
        int at;
        while ((at = s.indexOf("]]>", from)) >= 0) {
            writeChars(s.substring(from, at + 2), false);
            raw("]]><![CDATA[");
            from = at + 2;
        }
        writeChars(s.substring(from), false);
        return raw("]]>");
    }

    private void writeChars(String s, boolean escape) {
        if (counting) {
            len += encodedLength(s, escape);
            return;
        }
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    bytes(REPLACEMENT);
                } else if (escape && c == '<') {
                    raw("&lt;");
                } else if (escape && c == '&') {
                    raw("&amp;");
                } else if (escape && c == '>') {
                    raw("&gt;");
                } else if (escape && c == '\r') {
                    raw("&#13;"); // a literal CR would be normalised away by the reader
                } else {
                    ensure(1);
                    buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                bytes(REPLACEMENT);
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** What {@link #writeChars} writes for {@code s}, in bytes: the same cases, counted. */
    private static int encodedLength(String s, boolean escape) {
        int n = s.length();
        int total = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    total += REPLACEMENT.length;
                } else if (escape && (c == '<' || c == '>')) {
                    total += 4;
                } else if (escape && (c == '&' || c == '\r')) {
                    total += 5;
                } else {
                    total++;
                }
            } else if (c < 0x800) {
                total += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                total += 4;
            } else {
                total += 3; // the replacement character for a lone surrogate or U+FFFE/U+FFFF is 3 bytes too
            }
        }
        return total;
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra + 64));
        }
    }
}
