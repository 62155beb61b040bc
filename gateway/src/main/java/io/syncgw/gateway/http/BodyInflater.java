package io.syncgw.gateway.http;

import io.netty.buffer.ByteBuf;
import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.SyncMlDecoder;
import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip (RFC 1952) or deflate (zlib RFC 1950, or raw RFC 1951 as some clients send it) request body while
 * it arrives, straight into the SyncML decoder through one small buffer. Nothing is inflated beyond what the decoder
 * accepts, so a compression bomb stops at the decoder's message limit without a large allocation. A corrupt or
 * truncated stream is a malformed message.
 *
 * <p>State machine: {@code GZIP_HEADER} (gzip only; the header may span chunks, at most 64 KiB) → {@code DETECT}
 * (deflate only: zlib or raw) → {@code INFLATE} → {@code TRAILER} (after the deflate stream ended; the gzip CRC and
 * size are not checked, the decoder has judged the content).
 */
final class BodyInflater {
    private static final int OUT = 16 * 1024;
    private static final int MAX_HEADER = 64 * 1024;

    private enum State { GZIP_HEADER, DETECT, INFLATE, TRAILER }

    private final String encoding;
    private final byte[] out = new byte[OUT];
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private State state;
    private Inflater inflater;

    BodyInflater(String encoding) {
        this.encoding = encoding.contains("gzip") ? "gzip" : "deflate";
        this.state = this.encoding.equals("gzip") ? State.GZIP_HEADER : State.DETECT;
    }

    /** Inflates the chunk into {@code decoder}; returns the decoder's verdict so far. */
    DecodeResult feed(ByteBuf in, SyncMlDecoder decoder) {
        byte[] bytes = new byte[in.readableBytes()];
        in.getBytes(in.readerIndex(), bytes);
        int off = 0;
        if (state == State.GZIP_HEADER) {
            header.write(bytes, 0, bytes.length);
            byte[] all = header.toByteArray();
            int end = gzipHeaderEnd(all);
            if (end == -2) {
                return malformed("not a gzip stream");
            }
            if (end == -1) {
                return all.length > MAX_HEADER ? malformed("gzip header longer than 64 KiB")
                        : DecodeResult.NEED_MORE_INPUT;
            }
            bytes = all;
            off = end;
            inflater = new Inflater(true);
            state = State.INFLATE;
        }
        if (state == State.DETECT) {
            if (header.size() > 0 || bytes.length - off < 2) {
                // the two bytes that tell zlib from raw deflate may arrive in separate chunks
                header.write(bytes, off, bytes.length - off);
                if (header.size() < 2) {
                    return DecodeResult.NEED_MORE_INPUT;
                }
                bytes = header.toByteArray();
                off = 0;
            }
            int cmf = bytes[off] & 0xFF;
            int flg = bytes[off + 1] & 0xFF;
            boolean zlib = (cmf & 0x0F) == 8 && (cmf << 8 | flg) % 31 == 0;
            inflater = new Inflater(!zlib);
            state = State.INFLATE;
        }
        if (state == State.TRAILER) {
            return DecodeResult.NEED_MORE_INPUT;
        }
        inflater.setInput(bytes, off, bytes.length - off);
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(out);
                if (n > 0) {
                    DecodeResult r = decoder.feed(out, 0, n);
                    if (!(r instanceof DecodeResult.NeedMoreInput)) {
                        return r;
                    }
                } else if (inflater.needsDictionary()) {
                    return malformed("deflate stream needs a preset dictionary");
                } else if (inflater.needsInput()) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            return malformed("corrupt " + encoding + " body: " + e.getMessage());
        }
        if (inflater.finished()) {
            state = State.TRAILER;
        }
        return DecodeResult.NEED_MORE_INPUT;
    }

    /** The body ended: the compressed stream must have ended too. */
    DecodeResult finish(SyncMlDecoder decoder) {
        boolean complete = state == State.TRAILER;
        if (inflater != null) {
            inflater.end();
        }
        return complete ? decoder.endOfInput() : malformed("truncated " + encoding + " body");
    }

    /** Releases the inflater when the body is abandoned early. */
    void close() {
        if (inflater != null) {
            inflater.end();
        }
    }

    /** End of the gzip header in {@code b}, -1 when incomplete, -2 when not gzip. */
    private static int gzipHeaderEnd(byte[] b) {
        if (b.length >= 1 && (b[0] & 0xFF) != 0x1F || b.length >= 2 && (b[1] & 0xFF) != 0x8B
                || b.length >= 3 && b[2] != 8 || b.length >= 4 && (b[3] & 0xE0) != 0) {
            return -2;
        }
        if (b.length < 10) {
            return -1;
        }
        int flags = b[3];
        int p = 10;
        if ((flags & 0x04) != 0) { // FEXTRA: a length, then that many bytes
            if (b.length < p + 2) {
                return -1;
            }
            p += 2 + ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
        }
        for (int bit : new int[] {0x08, 0x10}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & bit) != 0) {
                while (p < b.length && b[p] != 0) {
                    p++;
                }
                if (p >= b.length) {
                    return -1;
                }
                p++;
            }
        }
        if ((flags & 0x02) != 0) { // FHCRC
            p += 2;
        }
        return p <= b.length ? p : -1;
    }

    private static DecodeResult malformed(String why) {
        return new DecodeResult.Malformed(DecodeResult.Problem.SYNTAX, why, -1);
    }
}
