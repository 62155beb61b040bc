package io.syncgw.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.SyncMlDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** gzip and deflate bodies, split anywhere, inflate to the same bytes; broken ones are malformed. */
class BodyInflaterTest {
    private static final byte[] PLAIN = ("<SyncML>" + "Grüße, 日本 ".repeat(300) + "</SyncML>")
            .getBytes(StandardCharsets.UTF_8);

    /** A decoder that only collects what it is fed. */
    private static final class Collector implements SyncMlDecoder {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean ended;

        @Override
        public DecodeResult feed(byte[] buf, int off, int len) {
            got.write(buf, off, len);
            return DecodeResult.NEED_MORE_INPUT;
        }

        @Override
        public DecodeResult endOfInput() {
            ended = true;
            return DecodeResult.NEED_MORE_INPUT;
        }
    }

    private static byte[] gzip(byte[] in) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(in);
        }
        return bos.toByteArray();
    }

    private static byte[] deflate(byte[] in, boolean raw) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(bos, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(in);
        }
        return bos.toByteArray();
    }

    private static DecodeResult run(String encoding, byte[] body, int splitAt, Collector c) {
        BodyInflater i = new BodyInflater(encoding);
        DecodeResult r = i.feed(Unpooled.wrappedBuffer(Arrays.copyOfRange(body, 0, splitAt)), c);
        if (r instanceof DecodeResult.NeedMoreInput) {
            r = i.feed(Unpooled.wrappedBuffer(Arrays.copyOfRange(body, splitAt, body.length)), c);
        }
        return r instanceof DecodeResult.NeedMoreInput ? i.finish(c) : r;
    }

    @Test
    void gzipZlibAndRawDeflateSplitAnywhereInflateIdentically() throws Exception {
        for (var e : new Object[][] {{"gzip", gzip(PLAIN)}, {"deflate", deflate(PLAIN, false)},
            {"deflate", deflate(PLAIN, true)}, {"x-gzip", gzip(PLAIN)}}) {
            byte[] body = (byte[]) e[1];
            for (int at = 0; at <= body.length; at++) {
                Collector c = new Collector();
                DecodeResult r = run((String) e[0], body, at, c);
                assertThat(r).as("%s split at %d", e[0], at).isInstanceOf(DecodeResult.NeedMoreInput.class);
                assertThat(c.ended).isTrue();
                assertThat(c.got.toByteArray()).as("%s split at %d", e[0], at).isEqualTo(PLAIN);
            }
        }
    }

    @Test
    void truncatedCorruptAndForeignStreamsAreMalformed() throws Exception {
        byte[] gz = gzip(PLAIN);
        assertThat(run("gzip", Arrays.copyOf(gz, gz.length / 2), 3, new Collector()))
                .isInstanceOf(DecodeResult.Malformed.class);
        byte[] corrupt = gz.clone();
        for (int k = 20; k < corrupt.length - 10; k += 7) {
            corrupt[k] ^= 0x5A;
        }
        assertThat(run("gzip", corrupt, 11, new Collector())).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(run("gzip", PLAIN, 5, new Collector())).isInstanceOf(DecodeResult.Malformed.class);
        assertThat(run("deflate", new byte[] {0x78}, 1, new Collector())).isInstanceOf(DecodeResult.Malformed.class);
    }
}
