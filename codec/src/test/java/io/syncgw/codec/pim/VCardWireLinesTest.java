package io.syncgw.codec.pim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written line splitter splits as the regular expressions it replaced did (trailing empty lines kept). */
class VCardWireLinesTest {

    @Test
    void splitsLikeTheRegularExpressions() {
        SplittableRandom random = new SplittableRandom(3);
        String alphabet = "\r\na=";
        for (int n = 0; n < 50_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(10); i > 0; i--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = b.toString();
            assertThat(VCardWire.lines(s, true)).as("%s", List.of(s)).containsExactly(s.split("\r\n|\r|\n", -1));
            assertThat(VCardWire.lines(s, false)).as("%s", List.of(s)).containsExactly(s.split("\r\n", -1));
        }
    }
}
