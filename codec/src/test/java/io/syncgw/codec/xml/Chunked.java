package io.syncgw.codec.xml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecoderLimits;

/** Feeds bytes to a fresh decoder in chunks, the way a network delivers them. */
final class Chunked {
    private Chunked() {
    }

    static DecodeResult decode(byte[] bytes, int chunk) {
        return decode(bytes, chunk, DecoderLimits.DEFAULT);
    }

    static DecodeResult decode(byte[] bytes, int chunk, DecoderLimits limits) {
        SyncMlXmlDecoder d = new SyncMlXmlDecoder(limits);
        // a reused scratch buffer proves the decoder does not keep references to fed arrays
        byte[] scratch = new byte[Math.max(1, chunk)];
        for (int off = 0; off < bytes.length; off += chunk) {
            int n = Math.min(chunk, bytes.length - off);
            System.arraycopy(bytes, off, scratch, 0, n);
            DecodeResult r = d.feed(scratch, 0, n);
            java.util.Arrays.fill(scratch, (byte) 'x');
            if (!(r instanceof DecodeResult.NeedMoreInput)) {
                return r;
            }
        }
        return d.endOfInput();
    }

    static DecodeResult decodeSplitAt(byte[] bytes, int at) {
        SyncMlXmlDecoder d = new SyncMlXmlDecoder();
        DecodeResult r = d.feed(java.util.Arrays.copyOfRange(bytes, 0, at), 0, at);
        if (!(r instanceof DecodeResult.NeedMoreInput)) {
            return r;
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, at, bytes.length);
        r = d.feed(rest, 0, rest.length);
        if (!(r instanceof DecodeResult.NeedMoreInput)) {
            return r;
        }
        return d.endOfInput();
    }
}
