package io.syncgw.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.syncgw.codec.xml.SyncMlXmlDecoder;

/**
 * Coverage-guided fuzzing of the streaming XML decoder, seeded with every recorded SyncEvolution message (copied from
 * {@code src/test/resources/traces} into this test's inputs directory at build time). Properties:
 * {@link DecoderProperties}.
 */
class XmlDecoderFuzzTest {
    // at most 12 s and 2,500 inputs, so that this machine and CI, whichever is faster, try the same ones
    // (the fuzz profile in pom.xml fixes the seed); a loaded 2-core machine gets through them in about half the time
    @FuzzTest(maxDuration = "12s", maxExecutions = 2_500)
    void decode(byte[] input) {
        DecoderProperties.check("XML", input, SyncMlXmlDecoder::new);
    }
}
