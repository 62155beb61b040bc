package io.syncgw.loadtest.bench;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decode and encode of a whole SyncML message of about 2, 9 and 27 KB (2, 15 and 48 vCards), XML and WBXML: what
 * the gateway does per message. Decoding feeds the body in 8 KiB slices, as Netty hands it over.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBench {
    @Param({"2", "9", "27"})
    public int kb;

    @Param({"xml", "wbxml"})
    public String format;

    private SyncMlEncoder encoder;
    private SyncMessage message;
    private byte[] bytes;

    @Setup
    public void setUp() {
        encoder = format.equals("xml") ? new SyncMlXmlEncoder() : new SyncMlWbxmlEncoder();
        message = Messages.ofSize(encoder, kb * 1000);
        bytes = encoder.encode(message);
        if (!(decode() instanceof DecodeResult.Complete)) {
            throw new IllegalStateException("benchmark message does not decode: " + decode());
        }
    }

    @Benchmark
    public DecodeResult decode() {
        DecodeResult r = DecodeResult.NEED_MORE_INPUT;
        if (format.equals("xml")) {
            SyncMlXmlDecoder d = new SyncMlXmlDecoder();
            for (int off = 0; off < bytes.length && r instanceof DecodeResult.NeedMoreInput; off += 8192) {
                r = d.feed(bytes, off, Math.min(8192, bytes.length - off));
            }
            return r instanceof DecodeResult.NeedMoreInput ? d.endOfInput() : r;
        }
        SyncMlWbxmlDecoder d = new SyncMlWbxmlDecoder();
        for (int off = 0; off < bytes.length && r instanceof DecodeResult.NeedMoreInput; off += 8192) {
            r = d.feed(bytes, off, Math.min(8192, bytes.length - off));
        }
        return r instanceof DecodeResult.NeedMoreInput ? d.endOfInput() : r;
    }

    @Benchmark
    public byte[] encode() {
        return encoder.encode(message);
    }
}
