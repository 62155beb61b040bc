package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VCardCodec#twinKey} parses only the identity properties of a card; the key must be the one the whole card
 * gives ({@link VCardCodec#wholeCardTwinKey}), whatever else the card holds and however it is encoded.
 */
class TwinKeyFastPathTest {

    private static final VCardCodec CODEC = new VCardCodec();

    static Stream<Arguments> crafted() {
        String photo = Base64.getEncoder().encodeToString(VCardCodecParsingTest.image());
        return Stream.of(
                Arguments.of("SyncEvolution 3.0", TestCards.SYNCEVOLUTION_30),
                Arguments.of("phone 2.1", TestCards.PHONE_21),
                Arguments.of("rich 3.0", TestCards.RICH_30),
                Arguments.of("grouped properties", crlf("BEGIN:VCARD", "VERSION:3.0", "item1.TEL:+49 30 1",
                        "item2.EMAIL;TYPE=INTERNET:a@example.com", "item2.X-ABLabel:work", "N:Doe;Jane;;;",
                        "END:VCARD")),
                Arguments.of("lower-case names", crlf("begin:vcard", "version:2.1", "n:Doe;John", "tel:123",
                        "end:vcard")),
                Arguments.of("nested AGENT card", crlf("BEGIN:VCARD", "VERSION:2.1", "N:Outer;Anna", "AGENT:",
                        "BEGIN:VCARD", "VERSION:2.1", "N:Inner;Bob", "TEL:999", "END:VCARD", "TEL:111",
                        "END:VCARD")),
                Arguments.of("only an AGENT has a name", crlf("BEGIN:VCARD", "VERSION:2.1", "NOTE:outer", "AGENT:",
                        "BEGIN:VCARD", "VERSION:2.1", "N:Inner;Bob", "END:VCARD", "END:VCARD")),
                Arguments.of("no identity at all", crlf("BEGIN:VCARD", "VERSION:3.0", "NOTE:just a note",
                        "ADR:;;Street 1;Town;;12345;Land", "URL:http://example.com", "END:VCARD")),
                Arguments.of("empty N, FN only", crlf("BEGIN:VCARD", "VERSION:3.0", "N:;;;;", "FN:Only Formatted",
                        "END:VCARD")),
                Arguments.of("ORG only", crlf("BEGIN:VCARD", "VERSION:2.1", "ORG:ACME;Sales", "END:VCARD")),
                Arguments.of("folded identity lines", crlf("BEGIN:VCARD", "VERSION:3.0", "N:Mül", " ler;Ber",
                        "\tnd;;;", "EMAIL:gen-00", " 01@example.com", "END:VCARD")),
                Arguments.of("2.1 quoted-printable name, soft breaks", crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:M=C3=BC=", "ller;Bernd", "TEL;CELL:+49 170 1",
                        "END:VCARD")),
                Arguments.of("QP name without charset, UTF-8", crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Bernd", "END:VCARD")),
                Arguments.of("QP name without charset, Latin-1", crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;ENCODING=QUOTED-PRINTABLE:M=FCller;Bernd", "END:VCARD")),
                Arguments.of("UTF-8 QP name, Latin-1 QP note (charset guessed for the whole card)", crlf(
                        "BEGIN:VCARD", "VERSION:2.1", "N;QUOTED-PRINTABLE:M=C3=BCller;Bernd",
                        "NOTE;QUOTED-PRINTABLE:Gr=FC=DFe", "END:VCARD")),
                Arguments.of("Latin-1 QP note only", crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John",
                        "NOTE;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe=", "TEL:still the note", "END:VCARD")),
                Arguments.of("2.1 photo with flush-left base64", crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John",
                        "PHOTO;ENCODING=BASE64;TYPE=JPEG:" + photo.substring(0, 60), photo.substring(60, 120),
                        "N", "", "TEL:12345", "END:VCARD")),
                Arguments.of("3.0 photo folded", crlf("BEGIN:VCARD", "VERSION:3.0", "FN:Pic Ture",
                        "PHOTO;ENCODING=b;TYPE=JPEG:" + photo.substring(0, 70), " " + photo.substring(70, 140),
                        "END:VCARD")),
                Arguments.of("LF and CR line ends", "BEGIN:VCARD\nVERSION:3.0\rN:Doe;Jo;;;\nTEL:1\rEND:VCARD"),
                Arguments.of("no line end at the end", "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:a@b.c\r\nEND:VCARD"),
                Arguments.of("trailing blank lines and NUL", "BEGIN:VCARD\r\nN:A;B\r\nEND:VCARD\r\n\r\n\u0000"),
                Arguments.of("N without colon-free garbage", crlf("BEGIN:VCARD", "VERSION:2.1", "N", "TEL",
                        "FN:Named", "END:VCARD")),
                Arguments.of("value mentions quoted-printable", crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;QUOTED-PRINTABLE:A=C3=A4;B", "NOTE:the word QUOTED-PRINTABLE in a value", "END:VCARD")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crafted")
    void craftedCardsKeepTheirKey(String what, String card) {
        assertThat(CODEC.twinKey(card)).isEqualTo(CODEC.wholeCardTwinKey(card));
    }

    @Test
    void theReducedCardHoldsOnlyTheOuterCardsIdentityLinesVerbatim() {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Outer;Anna", "NOTE;QUOTED-PRINTABLE:a=", "TEL:not a tel",
                "AGENT:", "BEGIN:VCARD", "N:Inner", "END:VCARD", "TEL;CELL:12", " 34", "END:VCARD");
        VCardStructure.Reduced reduced = VCardStructure.keep(card, TwinKey.IDENTITY_PROPERTIES);
        assertThat(reduced.text()).isEqualTo(crlf("BEGIN:VCARD", "VERSION:2.1", "N:Outer;Anna", "TEL;CELL:12", " 34",
                "END:VCARD"));
        assertThat(reduced.quotedPrintableDropped()).isTrue();
        assertThat(VCardStructure.keep(crlf("BEGIN:VCARD", "N:A", "NOTE:b", "END:VCARD"), Set.of("N"))
                .quotedPrintableDropped()).isFalse();
    }

    /** Cards assembled at random from real-world line shapes: encodings, folding, groups, nesting, photos. */
    @Test
    void randomCardsKeepTheirKey() {
        SplittableRandom random = new SplittableRandom(20261130L);
        List<String> mismatches = new ArrayList<>();
        for (int n = 0; n < 3000; n++) {
            String card = randomCard(random);
            String fast = CODEC.twinKey(card);
            String whole = CODEC.wholeCardTwinKey(card);
            if (!fast.equals(whole)) {
                mismatches.add(card.replace("\r\n", "\\r\\n\n") + " -> " + fast + " | " + whole);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Cards of plain identity lines only, which the fast path reads without ez-vcard: same key as ez-vcard's. */
    @Test
    void plainCardsAreReadWithoutEzVcardToTheSameKey() {
        String[] plain = {"N:Doe;John;;;", "N:;;;;", "N:Solo", "N:;Given", "N:;;Middle;;", "N:  Spaced  ; Out ",
            "N:Ｆｕｌｌ;ｗｉｄｔｈ", "FN:John Doe", "FN:", "FN:  ", "FN:Ünïcödé Nàme", "ORG:ACME;Sales", "ORG:;",
            "ORG:;Dept", "TEL;CELL:+49 170 1234", "TEL:(030) 12-34", "TEL;TYPE=cell,voice:+1 555 1",
            "TEL;PREF;HOME:0049 (0)30 1", "TEL:", "item1.TEL:555", "EMAIL;INTERNET:A@Example.COM", "EMAIL:",
            "EMAIL:  MiXeD@Example.com  ", "item2.EMAIL;TYPE=INTERNET;TYPE=PREF:b@example.com", "NOTE:dropped",
            "ADR;HOME:;;Hauptstraße 1;Berlin;;10115;DE", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ"};
        SplittableRandom random = new SplittableRandom(42);
        int readPlain = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder card = new StringBuilder("BEGIN:VCARD\r\n").append(n % 2 == 0 ? "VERSION:2.1\r\n"
                    : "VERSION:3.0\r\n");
            for (int i = random.nextInt(8); i > 0; i--) {
                card.append(plain[random.nextInt(plain.length)]).append("\r\n");
            }
            String text = card.append("END:VCARD\r\n").toString();
            assertThat(CODEC.twinKey(text)).as(text).isEqualTo(CODEC.wholeCardTwinKey(text));
            if (TwinKey.ofPlainLines(VCardStructure.keep(text, TwinKey.IDENTITY_PROPERTIES).text()) != null) {
                readPlain++;
            }
        }
        assertThat(readPlain).as("cards read by the plain path").isGreaterThan(2000);
    }

    @Test
    void asciiNormalisationIsTheUnicodeOne() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x80); // controls, whitespace and DEL included
            }
            String s = new String(chars);
            assertThat(TwinKey.normalise(s)).as("%s", List.of(s)).isEqualTo(TwinKey.normaliseUnicode(s));
        }
    }

    @Test
    void caseInsensitiveSearchFindsWhatUpperCasingFinds() {
        String alphabet = "BASE64base64QUOTED-PRINTABLEquoted-printable;:=xıſKİß\u0130";
        SplittableRandom random = new SplittableRandom(6);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(24); i > 0; i--) {
                b.append(random.nextInt(4) == 0 ? "base64" : random.nextInt(4) == 0 ? "Quoted-Printable"
                        : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            String s = b.toString();
            for (String needle : List.of("BASE64", "QUOTED-PRINTABLE")) {
                boolean upperCased = s.toUpperCase(java.util.Locale.ROOT).contains(needle);
                boolean found = VCardStructure.containsIgnoreCase(s, 0, needle);
                if (upperCased || s.chars().allMatch(c -> c < 0x80)) {
                    assertThat(found).as(s).isEqualTo(upperCased);
                }
            }
        }
    }

    private static final String[] LINES = {
        "N:Doe;John;;;", "N:;;;;", "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg",
        "N;QUOTED-PRINTABLE:M=FCller;J=F6rg", "N;QUOTED-PRINTABLE:Lang=", "name;Vor", "FN:John Doe", "FN:",
        "FN;QUOTED-PRINTABLE:Gr=FC=DFe", "ORG:ACME;Sales", "ORG:;", "TEL;CELL:+49 170 1234", "TEL:(030) 12-34",
        "TEL;QUOTED-PRINTABLE:+49 =", "170", "item1.TEL:555", "EMAIL;INTERNET:A@Example.COM", "EMAIL:",
        "item2.EMAIL:b@example.com", "NOTE:plain note", "NOTE;QUOTED-PRINTABLE:Gr=FC=DFe", "NOTE;QUOTED-PRINTABLE:x=",
        "TEL:inside a soft break", "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Gr=C3=BC=C3=9Fe",
        "ADR;HOME:;;Hauptstraße 1;Berlin;;10115;DE", "URL:http://example.com", "REV:20240101T000000Z",
        "UID:abc", "X-CUSTOM;X-P=1:value", "CATEGORIES:Family,Friends", "BDAY:19700101", "TITLE:Boss",
        "NOTE:folded", " continuation", "\tmore", "PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQ", "AAAB",
        "", "AGENT:\r\nBEGIN:VCARD\r\nN:Agent;Inner\r\nTEL:777\r\nEND:VCARD",
        "EMAIL;TYPE=INTERNET:gen-00\r\n 01@example.com", "N:Doe,Smith;John,Paul;Karl,Otto;;", "N:Doe\\;Jr;John",
        "N:  Spaced  ; Out ", "N:Solo", "N:;Given", "N:;;Middle;;", "FN:  ", "ORG:A,B;C", "ORG:\\,x", "TEL:tel:+49-30-1",
        "TEL;VALUE=uri:tel:+1-555", "TEL;TYPE=cell,voice:+1 555 1", "TEL;PREF;HOME:0049 (0)30 1",
        "EMAIL;CHARSET=UTF-8:ü@example.com", "EMAIL:  MiXeD@Example.com  ", "FN:a\\nb", "FN;LANGUAGE=de:Jörg",
        "N;TYPE=:x;y", "TEL;X-FOO=bar:123", "TEL;8BIT:123", "FN:Ünïcödé Nàme", "N:Ｆｕｌｌ;ｗｉｄｔｈ",
        "EMAIL;TYPE=INTERNET;TYPE=PREF:c@example.com", "N;ENCODING=8BIT:Plain;Name", "TEL;;CELL:1"};

    static String randomCard(SplittableRandom random) {
        StringBuilder card = new StringBuilder("BEGIN:VCARD\r\n");
        int version = random.nextInt(3);
        if (version == 1) {
            card.append("VERSION:2.1\r\n");
        } else if (version == 2) {
            card.append("VERSION:3.0\r\n");
        }
        int lines = random.nextInt(12);
        for (int i = 0; i < lines; i++) {
            card.append(LINES[random.nextInt(LINES.length)]).append("\r\n");
        }
        card.append("END:VCARD\r\n");
        String text = card.toString();
        return random.nextInt(5) == 0 ? text.replace("\r\n", "\n") : text;
    }
}
