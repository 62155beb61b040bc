package io.syncgw.codec.wbxml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecoderLimits;
import java.util.Arrays;

/** Feeds bytes to a fresh WBXML decoder in chunks, the way a network delivers them. */
final class WbxmlChunked {
    private WbxmlChunked() {
    }

    static DecodeResult decode(byte[] bytes) {
        return decode(bytes, Math.max(1, bytes.length), DecoderLimits.DEFAULT);
    }

    static DecodeResult decode(byte[] bytes, int chunk) {
        return decode(bytes, chunk, DecoderLimits.DEFAULT);
    }

    static DecodeResult decode(byte[] bytes, int chunk, DecoderLimits limits) {
        SyncMlWbxmlDecoder d = new SyncMlWbxmlDecoder(limits);
        // a reused scratch buffer proves the decoder does not keep references to fed arrays
        byte[] scratch = new byte[Math.max(1, chunk)];
        for (int off = 0; off < bytes.length; off += chunk) {
            int n = Math.min(chunk, bytes.length - off);
            System.arraycopy(bytes, off, scratch, 0, n);
            DecodeResult r = d.feed(scratch, 0, n);
            Arrays.fill(scratch, (byte) 0x55);
            if (!(r instanceof DecodeResult.NeedMoreInput)) {
                return r;
            }
        }
        return d.endOfInput();
    }

    static DecodeResult decodeSplitAt(byte[] bytes, int at) {
        SyncMlWbxmlDecoder d = new SyncMlWbxmlDecoder();
        DecodeResult r = d.feed(Arrays.copyOfRange(bytes, 0, at), 0, at);
        if (!(r instanceof DecodeResult.NeedMoreInput)) {
            return r;
        }
        byte[] rest = Arrays.copyOfRange(bytes, at, bytes.length);
        r = d.feed(rest, 0, rest.length);
        if (!(r instanceof DecodeResult.NeedMoreInput)) {
            return r;
        }
        return d.endOfInput();
    }
}
