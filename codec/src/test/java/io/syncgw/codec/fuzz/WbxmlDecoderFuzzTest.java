package io.syncgw.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;

/**
 * Coverage-guided fuzzing of the streaming WBXML decoder, seeded with SyncEvolution's recorded WBXML wire bytes
 * (copied from {@code src/test/resources/traces} into this test's inputs directory at build time). Properties:
 * {@link DecoderProperties}.
 */
class WbxmlDecoderFuzzTest {
    // at most 12 s and 8,000 inputs, so that this machine and CI, whichever is faster, try the same ones
    // (the fuzz profile in pom.xml fixes the seed); a loaded 2-core machine gets through them in about half the time
    @FuzzTest(maxDuration = "12s", maxExecutions = 8_000)
    void decode(byte[] input) {
        DecoderProperties.check("WBXML", input, SyncMlWbxmlDecoder::new);
    }
}
