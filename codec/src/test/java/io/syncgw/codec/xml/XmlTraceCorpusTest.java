package io.syncgw.codec.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.SyncMessage;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every recorded message decodes to the same model however its bytes are chunked, and re-encodes to a document that
 * decodes to that model again, with the encoder's size prediction exact.
 */
@Execution(ExecutionMode.CONCURRENT)
class XmlTraceCorpusTest {
    private final SyncMlXmlEncoder encoder = new SyncMlXmlEncoder();

    @Test
    void corpusIsThere() {
        assertThat(TraceCorpus.xmlFiles()).hasSizeGreaterThanOrEqualTo(158);
    }

    @TestFactory
    Stream<DynamicTest> completeMessagesDecodeInEveryChunkingAndRoundTrip() {
        return TraceCorpus.xmlFiles().stream()
                .filter(f -> !TraceCorpus.TRUNCATED.contains(f))
                .map(f -> DynamicTest.dynamicTest(f, () -> checkComplete(TraceCorpus.bytes(f))));
    }

    @TestFactory
    Stream<DynamicTest> truncatedDumpsAreMalformedInEveryChunking() {
        return TraceCorpus.TRUNCATED.stream().sorted()
                .map(f -> DynamicTest.dynamicTest(f, () -> {
                    byte[] bytes = TraceCorpus.bytes(f);
                    for (int chunk = 1; chunk <= bytes.length; chunk++) {
                        assertThat(Chunked.decode(bytes, chunk)).as("chunk size %d", chunk)
                                .isInstanceOf(DecodeResult.Malformed.class);
                    }
                }));
    }

    private void checkComplete(byte[] bytes) {
        DecodeResult whole = Chunked.decode(bytes, bytes.length);
        assertThat(whole).isInstanceOf(DecodeResult.Complete.class);
        SyncMessage expected = ((DecodeResult.Complete) whole).message();
        assertThat(expected.commands()).isNotEmpty();

        // chunks of every size, from 1 byte up to the whole message
        for (int chunk = 1; chunk < bytes.length; chunk++) {
            DecodeResult r = Chunked.decode(bytes, chunk);
            if (!(r instanceof DecodeResult.Complete c) || !c.message().equals(expected)) {
                throw new AssertionError("chunk size " + chunk + " gave " + r);
            }
        }
        // two pieces split at every position; a split at p >= length/2 is what chunk size p already did
        for (int at = 0; at <= bytes.length / 2; at++) {
            DecodeResult r = Chunked.decodeSplitAt(bytes, at);
            if (!(r instanceof DecodeResult.Complete c) || !c.message().equals(expected)) {
                throw new AssertionError("split at " + at + " gave " + r);
            }
        }

        byte[] encoded = encoder.encode(expected);
        int predicted = encoder.envelopeSize(expected.header(), expected.fin());
        for (Command c : expected.commands()) {
            predicted += encoder.sizeOf(c);
        }
        assertThat(encoded.length).as("encoded size = predicted size").isEqualTo(predicted);
        DecodeResult again = Chunked.decode(encoded, encoded.length);
        assertThat(again).isInstanceOf(DecodeResult.Complete.class);
        assertThat(((DecodeResult.Complete) again).message()).isEqualTo(expected);
        // and the re-encoding is stable
        assertThat(Arrays.equals(encoder.encode(((DecodeResult.Complete) again).message()), encoded)).isTrue();
    }
}
