package io.syncgw.codec.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The counting output (used to size commands) counts exactly the bytes the writing output writes. */
class XmlOutputCounterTest {
    private static final List<String> SAMPLES = List.of("", "plain ascii", "a<b>&c\r\nd\te", "\u0000\u0001\u001f",
            "Grüße", "€ 漢字", "\uD83D\uDE00 emoji", "lone \uD800 high", "lone \uDC00 low", "end \uD800",
            "\uFFFE\uFFFF\uFFFD", "]]> in ]]]]> data", "cr\rin payload", "\u07FF\u0800\u0080\u007F");

    private static int written(String s, boolean payload) {
        XmlOutput out = new XmlOutput(64);
        if (payload) {
            out.payload(s);
        } else {
            out.text(s).raw("<x/>").start("A").end("A");
        }
        return out.toByteArray().length;
    }

    private static int counted(String s, boolean payload) {
        XmlOutput out = XmlOutput.counter();
        if (payload) {
            out.payload(s);
        } else {
            out.text(s).raw("<x/>").start("A").end("A");
        }
        return out.size();
    }

    @Test
    void countsWhatIsWrittenForEveryKindOfCharacter() {
        for (String s : SAMPLES) {
            assertThat(counted(s, false)).as("text %s", s).isEqualTo(written(s, false));
            assertThat(counted(s, true)).as("payload %s", s).isEqualTo(written(s, true));
        }
    }

    @Test
    void countsWhatIsWrittenForRandomText() {
        Random r = new Random(42);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(40);
            for (int i = 0; i < len; i++) {
                int kind = r.nextInt(6);
                b.append(switch (kind) {
                    case 0 -> (char) r.nextInt(0x80);
                    case 1 -> (char) (0x80 + r.nextInt(0x780));
                    case 2 -> (char) (0x800 + r.nextInt(0xF800));
                    case 3 -> "\uD83D\uDE00";
                    case 4 -> "]]>";
                    default -> "<&>\r";
                });
            }
            String s = b.toString();
            assertThat(counted(s, false)).isEqualTo(written(s, false));
            assertThat(counted(s, true)).isEqualTo(written(s, true));
        }
    }
}
