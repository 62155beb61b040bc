package io.syncgw.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.syncgw.codec.pim.ContactFormat;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.pim.VCardCodec;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the vCard converter (ez-vcard underneath), seeded with cards from the recorded
 * SyncEvolution sessions and hand-made 2.1 / 3.0 / 4.0 cards (this test's inputs directory). Properties: no method
 * throws or returns null, each input stays within the {@link Budget}, and a card converted once converts on:
 * 3.0 to 2.1 and back succeeds, a card already in the target format comes back byte for byte, and the twin key (what
 * slow syncs match duplicates by) is the same in both formats.
 */
class VCardCodecFuzzTest {
    private static final VCardCodec CODEC = new VCardCodec();

    // at most 12 s and 1,000 inputs, so that this machine and CI, whichever is faster, try the same ones
    // (the fuzz profile in pom.xml fixes the seed); a loaded 2-core machine gets through them in about half the time
    @FuzzTest(maxDuration = "12s", maxExecutions = 1_000)
    void convert(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Budget.check("vCard", input.length, 64L << 20, 16_384, () -> {
            CODEC.detect(text);
            CODEC.displayName(text);
            String key = CODEC.twinKey(text);
            nonNull(key);
            ConversionResult to21 = nonNull(CODEC.convert(text, ContactFormat.VCARD_21));
            ConversionResult to30 = nonNull(CODEC.convert(text, ContactFormat.VCARD_30));
            nonNull(CODEC.merge(text, text, Set.of()));
            nonNull(CODEC.merge(text, text, Set.of("N", "TEL")));
            if (to30 instanceof ConversionResult.Converted c30) {
                String a = c30.text();
                same("3.0 again", CODEC.convert(a, ContactFormat.VCARD_30), a);
                String b = converted("3.0 to 2.1", CODEC.convert(a, ContactFormat.VCARD_21), a);
                same("2.1 again", CODEC.convert(b, ContactFormat.VCARD_21), b);
                String c = converted("2.1 to 3.0", CODEC.convert(b, ContactFormat.VCARD_30), b);
                if (!CODEC.twinKey(a).equals(CODEC.twinKey(b)) || !CODEC.twinKey(b).equals(CODEC.twinKey(c))) {
                    throw new AssertionError("twin key differs between formats:\n" + a + "\n--- 2.1:\n" + b
                            + "\n--- keys: " + CODEC.twinKey(a) + " | " + CODEC.twinKey(b) + " | " + CODEC.twinKey(c));
                }
                nonNull(CODEC.merge(a, b, Set.of()));
                nonNull(CODEC.merge(b, a, Set.of("FN")));
            }
            if (to21 instanceof ConversionResult.Converted c21) {
                converted("2.1 to 3.0", CODEC.convert(c21.text(), ContactFormat.VCARD_30), c21.text());
            }
        });
    }

    private static <T> T nonNull(T t) {
        if (t == null) {
            throw new AssertionError("null");
        }
        return t;
    }

    private static String converted(String step, ConversionResult r, String from) {
        if (!(r instanceof ConversionResult.Converted c)) {
            throw new AssertionError(step + ": the codec's own output is refused: " + r + "\n" + from);
        }
        return c.text();
    }

    private static void same(String step, ConversionResult r, String expected) {
        if (!expected.equals(converted(step, r, expected))) {
            throw new AssertionError(step + ": not returned unchanged:\n" + expected);
        }
    }
}
