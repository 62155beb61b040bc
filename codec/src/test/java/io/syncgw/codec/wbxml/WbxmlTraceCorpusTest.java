package io.syncgw.codec.wbxml;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.TraceCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The WBXML wire bytes SyncEvolution exchanged (traces B1, B2) decode to the model of the same message's XML dump, in
 * every chunking; every XML message of the corpus, written as WBXML, decodes back to its model, with the encoder's
 * size prediction exact.
 */
@Execution(ExecutionMode.CONCURRENT)
class WbxmlTraceCorpusTest {
    private final SyncMlWbxmlEncoder encoder = new SyncMlWbxmlEncoder();

    /** A WBXML message and the XML dump of the same message. */
    record Twin(String wbxml, String xml) {
    }

    /**
     * Pairs each {@code *.wbxml} with its XML twin: in each session directory, the n-th WBXML message of a direction
     * (outgoing, incoming) is the n-th XML dump of that direction (the numbers in the names count differently).
     * Dumps the client stopped writing ({@link TraceCorpus#TRUNCATED}) have no usable twin.
     */
    static List<Twin> twins() {
        List<Twin> out = new ArrayList<>();
        List<String> wbxml = TraceCorpus.files(".wbxml");
        List<String> dirs = wbxml.stream().map(f -> Path.of(f).getParent().toString()).distinct().toList();
        for (String dir : dirs) {
            for (String direction : List.of("_outgoing", "_incoming")) {
                List<String> w = wbxml.stream().filter(f -> f.startsWith(dir + "/") && f.contains(direction)).toList();
                List<String> x = TraceCorpus.xmlFiles().stream()
                        .filter(f -> f.startsWith(dir + "/") && f.contains(direction) && f.contains("_trm")
                                && !f.endsWith(".wbxml2xml.xml"))
                        .toList();
                assertThat(x).as("XML dumps in %s%s", dir, direction).hasSameSizeAs(w);
                for (int i = 0; i < w.size(); i++) {
                    if (!TraceCorpus.TRUNCATED.contains(x.get(i))) {
                        out.add(new Twin(w.get(i), x.get(i)));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void corpusIsThere() {
        assertThat(TraceCorpus.files(".wbxml")).hasSize(14);
        assertThat(twins()).hasSize(14);
    }

    @TestFactory
    Stream<DynamicTest> wireBytesDecodeToTheModelOfTheirXmlTwinInEveryChunking() {
        return twins().stream().map(t -> DynamicTest.dynamicTest(t.wbxml() + " = " + Path.of(t.xml()).getFileName(),
                () -> checkTwin(TraceCorpus.bytes(t.wbxml()), TraceCorpus.bytes(t.xml()))));
    }

    @TestFactory
    Stream<DynamicTest> everyCompleteXmlMessageRoundTripsThroughWbxml() {
        return TraceCorpus.xmlFiles().stream()
                .filter(f -> !TraceCorpus.TRUNCATED.contains(f))
                .map(f -> DynamicTest.dynamicTest(f, () -> checkRoundTrip(TraceCorpus.bytes(f))));
    }

    private void checkTwin(byte[] wbxml, byte[] xml) {
        SyncMessage expected = complete(WbxmlChunked.decode(wbxml));
        assertThat(expected.commands()).isNotEmpty();
        SyncMlXmlDecoder x = new SyncMlXmlDecoder();
        DecodeResult xr = x.feed(xml);
        if (xr instanceof DecodeResult.NeedMoreInput) {
            xr = x.endOfInput();
        }
        // the dump has the payloads' CRs literally, which XML reads as LF; WBXML keeps them (see LineEnds)
        assertThat(LineEnds.normalised(expected)).isEqualTo(complete(xr));

        // chunks of every size, from 1 byte up to the whole message
        for (int chunk = 1; chunk < wbxml.length; chunk++) {
            DecodeResult r = WbxmlChunked.decode(wbxml, chunk);
            if (!(r instanceof DecodeResult.Complete c) || !c.message().equals(expected)) {
                throw new AssertionError("chunk size " + chunk + " gave " + r);
            }
        }
        // two pieces split at every position
        for (int at = 0; at <= wbxml.length; at++) {
            DecodeResult r = WbxmlChunked.decodeSplitAt(wbxml, at);
            if (!(r instanceof DecodeResult.Complete c) || !c.message().equals(expected)) {
                throw new AssertionError("split at " + at + " gave " + r);
            }
        }
        checkEncoding(expected, 1);
    }

    private void checkRoundTrip(byte[] xml) {
        SyncMlXmlDecoder x = new SyncMlXmlDecoder();
        DecodeResult xr = x.feed(xml);
        if (xr instanceof DecodeResult.NeedMoreInput) {
            xr = x.endOfInput();
        }
        checkEncoding(complete(xr), 7);
    }

    /** Encodes as WBXML: size exactly as predicted, decodes back to the model in several chunkings, stable. */
    private void checkEncoding(SyncMessage m, int smallChunk) {
        byte[] encoded = encoder.encode(m);
        int predicted = encoder.envelopeSize(m.header(), m.fin());
        for (Command c : m.commands()) {
            predicted += encoder.sizeOf(c);
        }
        assertThat(encoded.length).as("encoded size = predicted size").isEqualTo(predicted);
        for (int chunk : new int[] {smallChunk, 64, encoded.length}) {
            assertThat(complete(WbxmlChunked.decode(encoded, chunk))).as("chunk %d", chunk).isEqualTo(m);
        }
        assertThat(Arrays.equals(encoder.encode(complete(WbxmlChunked.decode(encoded))), encoded)).isTrue();
    }

    private static SyncMessage complete(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).message();
    }
}
