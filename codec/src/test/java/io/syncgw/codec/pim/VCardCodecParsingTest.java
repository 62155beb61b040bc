package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static io.syncgw.codec.pim.TestCards.fields;
import static io.syncgw.codec.pim.TestCards.parse;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import ezvcard.VCard;
import ezvcard.property.StructuredName;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What real phones send decodes to the right values (checked on the converted 3.0 card). */
class VCardCodecParsingTest {

    private final VCardCodec codec = new VCardCodec();

    static Stream<Arguments> quotedPrintableNames() {
        return Stream.of(
                // family, given, N value as ISO-8859-1 QP, N value as UTF-8 QP (hand-encoded)
                Arguments.of("Müller", "Jürgen", "M=FCller;J=FCrgen", "M=C3=BCller;J=C3=BCrgen"),
                Arguments.of("Ødegaard", "Åse", "=D8degaard;=C5se", "=C3=98degaard;=C3=85se"),
                Arguments.of("Lefèvre", "François", "Lef=E8vre;Fran=E7ois", "Lef=C3=A8vre;Fran=C3=A7ois"),
                Arguments.of("Strauß", "Jörg", "Strau=DF;J=F6rg", "Strau=C3=9F;J=C3=B6rg"));
    }

    @ParameterizedTest
    @MethodSource("quotedPrintableNames")
    void decodesQuotedPrintableIso88591Names(String family, String given, String iso, String utf8) {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:" + iso,
                "END:VCARD");

        assertName(card, family, given);
    }

    @ParameterizedTest
    @MethodSource("quotedPrintableNames")
    void decodesQuotedPrintableUtf8Names(String family, String given, String iso, String utf8) {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + utf8,
                "END:VCARD");

        assertName(card, family, given);
    }

    @ParameterizedTest
    @MethodSource("quotedPrintableNames")
    void decodesQuotedPrintableWithoutCharsetAsUtf8OrElseIso88591(String family, String given, String iso,
            String utf8) {
        assertName(crlf("BEGIN:VCARD", "VERSION:2.1", "N;ENCODING=QUOTED-PRINTABLE:" + utf8, "END:VCARD"),
                family, given);
        assertName(crlf("BEGIN:VCARD", "VERSION:2.1", "N;ENCODING=QUOTED-PRINTABLE:" + iso, "END:VCARD"),
                family, given);
    }

    @Test
    void decodesThePhoneSampleWithBothCharsets() {
        String v30 = text(codec.convert(TestCards.PHONE_21, ContactFormat.VCARD_30));

        assertThat(v30).contains("\r\nN:Müller;Jürgen;;;\r\n", "\r\nFN:Jürgen Müller\r\n",
                "\r\nTEL;TYPE=CELL:+49 170 1234567\r\n");
        assertThat(codec.displayName(TestCards.PHONE_21)).contains("Jürgen Müller");
    }

    @Test
    void decodesSoftLineBreaksAndEncodedLineBreaksInsideValues() {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John",
                "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0AZweite =",
                "Zeile mit =C3=BC=",
                "nd Ende",
                "END:VCARD");

        VCard parsed = parse(text(codec.convert(card, ContactFormat.VCARD_30)));

        assertThat(parsed.getNotes().get(0).getValue()).isEqualTo("Erste Zeile\nZweite Zeile mit ünd Ende");
    }

    @Test
    void decodesBareQuotedPrintableParameter() {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=FCller;Hans",
                "END:VCARD");

        assertName(card, "Müller", "Hans");
    }

    @Test
    void readsPlainUtf8In21WithoutCharset() {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Ødegaard;François", "FN:François Ødegaard",
                "END:VCARD");

        assertName(card, "Ødegaard", "François");
        assertThat(codec.displayName(card)).contains("François Ødegaard");
    }

    /** The same 3.0 card as it arrives from different clients: must read as the same fields. */
    static Stream<Arguments> layoutVariants() {
        String canonical = TestCards.SYNCEVOLUTION_30;
        return Stream.of(
                Arguments.of("LF only", canonical.replace("\r\n", "\n")),
                Arguments.of("CR only", canonical.replace("\r\n", "\r")),
                Arguments.of("trailing blank lines", canonical + "\r\n\r\n  \r\n"),
                Arguments.of("lower-case names", canonical.replace("BEGIN:VCARD", "begin:vcard")
                        .replace("VERSION:", "version:").replace("\r\nN:", "\r\nn:").replace("FN:", "fn:")
                        .replace("TEL;TYPE=", "tel;type=").replace("EMAIL;", "email;").replace("END:VCARD", "end:vcard")),
                Arguments.of("folded lines", canonical
                        .replace("FN:Bernd Müller 1", "FN:Bernd\r\n  Müller 1")
                        .replace("NOTE:generated contact 1 rev 2", "NOTE:gene\r\n rated con\r\n\ttact 1 rev 2")
                        .replace("EMAIL;TYPE=INTERNET:", "EMAIL;TYPE=INTE\r\n RNET:")),
                Arguments.of("folded LF", canonical.replace("FN:Bernd Müller 1", "FN:Bernd\n  Müller 1")
                        .replace("\r\n", "\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutVariants")
    void readsLayoutVariantsAsTheSameFields(String variant, String text) {
        List<String> expected = fields(TestCards.SYNCEVOLUTION_30);

        String v21 = text(codec.convert(text, ContactFormat.VCARD_21));

        assertThat(fields(v21)).isEqualTo(expected);
        assertThat(codec.detect(text)).isEqualTo(ContactFormat.VCARD_30);
        assertThat(codec.twinKey(text)).isEqualTo(codec.twinKey(TestCards.SYNCEVOLUTION_30));
    }

    @Test
    void readsIndentedBase64PhotoEndedByBlankLine() {
        byte[] image = image();
        String base64 = Base64.getEncoder().encodeToString(image);
        StringBuilder card = new StringBuilder("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\n")
                .append("PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n");
        for (int i = 0; i < base64.length(); i += 64) {
            card.append("    ").append(base64, i, Math.min(base64.length(), i + 64)).append("\r\n");
        }
        card.append("\r\nTEL;CELL:123\r\nEND:VCARD\r\n");

        VCard parsed = parse(text(codec.convert(card.toString(), ContactFormat.VCARD_30)));

        assertThat(parsed.getPhotos()).hasSize(1);
        assertThat(parsed.getPhotos().get(0).getData()).isEqualTo(image);
        assertThat(parsed.getTelephoneNumbers().get(0).getText()).isEqualTo("123");
    }

    @Test
    void readsFlushLeftBase64Photo() {
        byte[] image = image();
        String base64 = Base64.getEncoder().encodeToString(image);
        StringBuilder card = new StringBuilder("BEGIN:VCARD\nVERSION:2.1\nN:Doe;Jane\nPHOTO;JPEG;BASE64:\n");
        for (int i = 0; i < base64.length(); i += 76) {
            card.append(base64, i, Math.min(base64.length(), i + 76)).append('\n');
        }
        card.append("\nTEL;CELL:123\nEND:VCARD\n");

        VCard parsed = parse(text(codec.convert(card.toString(), ContactFormat.VCARD_30)));

        assertThat(parsed.getPhotos().get(0).getData()).isEqualTo(image);
        assertThat(parsed.getTelephoneNumbers().get(0).getText()).isEqualTo("123");
    }

    @Test
    void detectsTheVersion() {
        assertThat(codec.detect(TestCards.SYNCEVOLUTION_30)).isEqualTo(ContactFormat.VCARD_30);
        assertThat(codec.detect(TestCards.PHONE_21)).isEqualTo(ContactFormat.VCARD_21);
        assertThat(codec.detect("BEGIN:VCARD\r\nN:Doe;John\r\nEND:VCARD\r\n"))
                .as("no VERSION: 2.1 like real phones").isEqualTo(ContactFormat.VCARD_21);
        assertThat(codec.detect("begin:vcard\nversion: 3.0 \nn:Doe\nend:vcard\n")).isEqualTo(ContactFormat.VCARD_30);
        assertThat(codec.detect("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n"))
                .isEqualTo(ContactFormat.VCARD_30);
        // the VERSION of a nested 2.1 AGENT card is not the outer card's
        assertThat(codec.detect(crlf("BEGIN:VCARD", "N:Boss", "AGENT:", "BEGIN:VCARD", "VERSION:3.0", "N:Agent",
                "END:VCARD", "END:VCARD"))).isEqualTo(ContactFormat.VCARD_21);
    }

    private void assertName(String card, String family, String given) {
        VCard converted = parse(text(codec.convert(card, ContactFormat.VCARD_30)));
        StructuredName name = converted.getStructuredName();
        assertThat(name.getFamily()).isEqualTo(family);
        assertThat(name.getGiven()).isEqualTo(given);
    }

    /** Bytes that look like a JPEG and cover every byte value. */
    static byte[] image() {
        byte[] image = new byte[3000];
        java.util.Random random = new java.util.Random(42);
        random.nextBytes(image);
        image[0] = (byte) 0xFF;
        image[1] = (byte) 0xD8;
        image[2] = (byte) 0xFF;
        for (int i = 0; i < 256; i++) {
            image[10 + i] = (byte) i;
        }
        image[image.length - 2] = (byte) 0xFF;
        image[image.length - 1] = (byte) 0xD9;
        return image;
    }
}
