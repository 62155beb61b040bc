package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VCardCodecTwinKeyTest {

    private static final VCardCodec CODEC = new VCardCodec();

    private static final String BASE = TestCards.SYNCEVOLUTION_30;

    /** Variants of {@link #BASE} that are the same contact. */
    static Stream<Arguments> sameContact() {
        return Stream.of(
                Arguments.of("other NOTE", BASE.replace("NOTE:generated contact 1 rev 2", "NOTE:changed note")),
                Arguments.of("no NOTE", BASE.replace("NOTE:generated contact 1 rev 2\r\n", "")),
                Arguments.of("other REV", BASE.replace("REV:20100328T103410Z", "REV:20240101T000000Z")),
                Arguments.of("other PRODID", BASE.replace("Synthesis AG", "Funambol")),
                Arguments.of("no PRODID", BASE.replace("PRODID:-//Synthesis AG//NONSGML SyncML Engine V3.4.0.47//EN\r\n",
                        "")),
                Arguments.of("with UID", BASE.replace("END:VCARD", "UID:20240101-abc\r\nEND:VCARD")),
                Arguments.of("with PHOTO", BASE.replace("END:VCARD", "PHOTO;ENCODING=b;TYPE=JPEG:"
                        + Base64.getEncoder().encodeToString(VCardCodecParsingTest.image()) + "\r\nEND:VCARD")),
                Arguments.of("other ORG (a name is present)", BASE.replace("Example Org 1", "Other Org")),
                Arguments.of("folded", BASE.replace("N:Müller 1;Bernd;;;", "N:Mül\r\n ler 1;Ber\r\n\tnd;;;")
                        .replace("EMAIL;TYPE=INTERNET:gen-000001@example.com",
                                "EMAIL;TYPE=INTERNET:gen-00\r\n 0001@example.com")),
                Arguments.of("LF line ends", BASE.replace("\r\n", "\n")),
                Arguments.of("2.1", text(CODEC.convert(BASE, ContactFormat.VCARD_21))),
                Arguments.of("2.1 ISO-8859-1 quoted-printable", crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller 1;Bernd",
                        "TEL;CELL:+49 170 0000001", "TEL;WORK;VOICE:+1 555 0000001",
                        "EMAIL;INTERNET:gen-000001@example.com", "END:VCARD")),
                Arguments.of("2.1 plain, no VERSION", crlf("BEGIN:VCARD", "N:Müller 1;Bernd",
                        "TEL:+491700000001", "TEL:+15550000001", "EMAIL:gen-000001@example.com", "END:VCARD")),
                Arguments.of("property order", reversedProperties(BASE)),
                Arguments.of("phone formatting", BASE.replace("+49 170 0000001", "+49 (170) 000-0001")
                        .replace("+1 555 0000001", "+1.555.000.0001")),
                Arguments.of("e-mail case", BASE.replace("gen-000001@example.com", "Gen-000001@EXAMPLE.com")),
                Arguments.of("name case and spacing", BASE.replace("N:Müller 1;Bernd;;;", "N:  MÜLLER   1 ;BERND;;;")),
                Arguments.of("decomposed umlaut (NFD)", BASE.replace("N:Müller 1;Bernd;;;",
                        "N:" + Normalizer.normalize("Müller", Normalizer.Form.NFD) + " 1;Bernd;;;")),
                Arguments.of("duplicate phone", BASE.replace("END:VCARD", "TEL;TYPE=HOME:+491700000001\r\nEND:VCARD")),
                Arguments.of("other phone types", BASE.replace("TEL;TYPE=CELL:", "TEL;TYPE=HOME:")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameContact")
    void sameContactGivesSameKey(String variant, String card) {
        assertThat(CODEC.twinKey(card)).isEqualTo(CODEC.twinKey(BASE));
    }

    /** Variants of {@link #BASE} that are another contact. */
    static Stream<Arguments> otherContact() {
        return Stream.of(
                Arguments.of("family name", BASE.replace("N:Müller 1;", "N:Müller 2;")),
                Arguments.of("given name", BASE.replace(";Bernd;;;", ";Berndt;;;")),
                Arguments.of("middle name", BASE.replace(";Bernd;;;", ";Bernd;Karl;;")),
                Arguments.of("umlaut vs plain", BASE.replace("N:Müller 1;", "N:Muller 1;")),
                Arguments.of("family and given swapped", BASE.replace("N:Müller 1;Bernd;;;", "N:Bernd;Müller 1;;;")),
                Arguments.of("one digit of a phone", BASE.replace("+49 170 0000001", "+49 170 0000002")),
                Arguments.of("international vs national", BASE.replace("+49 170 0000001", "49 170 0000001")),
                Arguments.of("a phone more", BASE.replace("END:VCARD", "TEL:+49 30 1234\r\nEND:VCARD")),
                Arguments.of("a phone less", BASE.replace("TEL;TYPE=CELL:+49 170 0000001\r\n", "")),
                Arguments.of("e-mail", BASE.replace("gen-000001@", "gen-000002@")),
                Arguments.of("an e-mail more", BASE.replace("END:VCARD", "EMAIL:x@example.com\r\nEND:VCARD")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherContact")
    void otherContactGivesOtherKey(String variant, String card) {
        assertThat(CODEC.twinKey(card)).isNotEqualTo(CODEC.twinKey(BASE));
    }

    @Test
    void fieldBoundariesMatter() {
        String a = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Ann Lee;;;;", "END:VCARD");
        String b = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Ann;Lee;;;", "END:VCARD");
        String c = crlf("BEGIN:VCARD", "VERSION:3.0", "N:;;;;", "FN:Ann Lee", "END:VCARD");

        assertThat(CODEC.twinKey(a)).isNotEqualTo(CODEC.twinKey(b));
        assertThat(CODEC.twinKey(a)).isNotEqualTo(CODEC.twinKey(c));
        assertThat(CODEC.twinKey(b)).isNotEqualTo(CODEC.twinKey(c));
    }

    /**
     * VCardCodecFuzzTest, crash-78ee3b14: a 3.0 N with a list of middle names ({@code Paul,Peter}) is written to 2.1
     * joined by a comma, which 2.1 reads as one name: the key of the 2.1 card differed from the 3.0 card's ("paul
     * peter" against "paul,peter"), so a slow sync with a 2.1 phone would have duplicated the contact. A comma in a
     * name now counts as a space.
     */
    @Test
    void aListOfNamesHasTheSameKeyInBothFormats() {
        String v30 = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;Paul,Peter;;", "FN:John Doe", "END:VCARD");
        String v21 = text(CODEC.convert(v30, ContactFormat.VCARD_21));
        assertThat(v21).contains("N:Doe;John;Paul,Peter;;");
        String back = text(CODEC.convert(v21, ContactFormat.VCARD_30));
        assertThat(CODEC.twinKey(v21)).isEqualTo(CODEC.twinKey(v30)).isEqualTo(CODEC.twinKey(back));
        String escaped = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;Paul\\,Peter;;", "FN:John Doe", "END:VCARD");
        assertThat(CODEC.twinKey(escaped)).isEqualTo(CODEC.twinKey(v30));
        assertThat(CODEC.twinKey(v30)).isNotEqualTo(CODEC.twinKey(v30.replace("Paul,Peter", "Paul")));
    }

    /**
     * VCardCodecFuzzTest, crash-f5ea05f8: a card keyed by its content with {@code ADR:;;Street ,;City;;1;X}. In 3.0
     * the comma separates a list of streets, which 2.1 reads as one street "Street ,", written back in 3.0 as
     * {@code Street \,}: the keys of the 3.0 and 2.1 cards differed. An escaped comma now counts as a comma.
     */
    @Test
    void aListInAnAddressHasTheSameContentKeyInBothFormats() {
        String v30 = crlf("BEGIN:VCARD", "VERSION:3.0", "ADR;TYPE=HOME:;;Street ,;City;;00001;Country", "END:VCARD");
        String v21 = text(CODEC.convert(v30, ContactFormat.VCARD_21));
        String back = text(CODEC.convert(v21, ContactFormat.VCARD_30));
        assertThat(back).contains("Street \\,");
        assertThat(CODEC.twinKey(v21)).startsWith("content").isEqualTo(CODEC.twinKey(v30))
                .isEqualTo(CODEC.twinKey(back));
    }

    /**
     * VCardCodecFuzzTest, crash-7f175310: the 2.1 writer puts the types of a line first, so a card keyed by its content
     * whose 3.0 line had another parameter before its type got another key in 2.1. Parameters are sorted for the key.
     */
    @Test
    void parameterOrderDoesNotChangeTheContentKey() {
        String a = crlf("BEGIN:VCARD", "VERSION:3.0", "X-A;X-P=1;TYPE=work,home:v", "END:VCARD");
        String b = crlf("BEGIN:VCARD", "VERSION:3.0", "X-A;TYPE=home;TYPE=work;X-P=1:v", "END:VCARD");
        String v21 = text(CODEC.convert(a, ContactFormat.VCARD_21));
        assertThat(v21).contains("X-A;WORK;HOME;X-P=1:v");
        assertThat(CODEC.twinKey(a)).startsWith("content").isEqualTo(CODEC.twinKey(b)).isEqualTo(CODEC.twinKey(v21));
        assertThat(CODEC.twinKey(a)).isNotEqualTo(CODEC.twinKey(a.replace("X-P=1", "X-P=2")));
    }

    @Test
    void fallsBackToFnWhenNIsEmpty() {
        String fn = crlf("BEGIN:VCARD", "VERSION:3.0", "N:;;;;", "FN:Jürgen  Müller", "NOTE:a", "END:VCARD");
        String fnOnly21 = crlf("BEGIN:VCARD", "VERSION:2.1",
                "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller", "END:VCARD");
        String otherFn = crlf("BEGIN:VCARD", "VERSION:3.0", "FN:Juergen Mueller", "END:VCARD");

        assertThat(CODEC.twinKey(fn)).isEqualTo(CODEC.twinKey(fnOnly21));
        assertThat(CODEC.twinKey(fn)).isNotEqualTo(CODEC.twinKey(otherFn));
    }

    @Test
    void fallsBackToOrgWhenThereIsNoName() {
        String org = crlf("BEGIN:VCARD", "VERSION:3.0", "ORG:Strauß GmbH;Vertrieb", "TEL:+49 30 1", "END:VCARD");
        String sameOrg21 = crlf("BEGIN:VCARD", "VERSION:2.1",
                "ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:STRAUSS GMBH;Vertrieb", "TEL:+49301", "END:VCARD");
        String otherOrg = crlf("BEGIN:VCARD", "VERSION:3.0", "ORG:Strauß GmbH;Einkauf", "TEL:+49 30 1", "END:VCARD");

        assertThat(CODEC.twinKey(org)).isEqualTo(CODEC.twinKey(sameOrg21));
        assertThat(CODEC.twinKey(org)).isNotEqualTo(CODEC.twinKey(otherOrg));
    }

    @Test
    void cardsWithoutNameOrgPhoneOrEmailAreKeyedByTheirContent() {
        String noteA = crlf("BEGIN:VCARD", "VERSION:3.0", "REV:20100101T000000Z", "NOTE:parking space 12",
                "END:VCARD");
        String noteAOtherRev = crlf("BEGIN:VCARD", "VERSION:2.1", "REV:20240101T000000Z", "UID:x",
                "NOTE:parking space 12", "END:VCARD");
        String noteB = crlf("BEGIN:VCARD", "VERSION:3.0", "REV:20100101T000000Z", "NOTE:parking space 13",
                "END:VCARD");

        assertThat(CODEC.twinKey(noteA)).isEqualTo(CODEC.twinKey(noteAOtherRev));
        assertThat(CODEC.twinKey(noteA)).isNotEqualTo(CODEC.twinKey(noteB));
    }

    @Test
    void unparsableInputIsKeyedByItsWhitespaceNormalisedText() {
        String garbage = "this is\r\nnot a   vCard";
        String truncated = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;;;\r\n";

        assertThat(CODEC.twinKey(garbage)).startsWith("raw\u001F").hasSize(4 + 64);
        assertThat(CODEC.twinKey(garbage)).isEqualTo(CODEC.twinKey("  this is not\ta vCard\n"));
        assertThat(CODEC.twinKey(garbage)).isNotEqualTo(CODEC.twinKey("this is not a vCard either"));
        assertThat(CODEC.twinKey(truncated)).startsWith("raw\u001F")
                .isEqualTo(CODEC.twinKey(truncated.replace("\r\n", "\n")))
                .isNotEqualTo(CODEC.twinKey(truncated.replace("John", "Jane")));
        assertThat(CODEC.twinKey(BASE)).doesNotStartWith("raw");
    }

    @Test
    void keyHoldsNoControlCharactersFromValues() {
        String card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe\u001Eevil;John\u001Fx;;;", "END:VCARD");

        String key = CODEC.twinKey(card);

        assertThat(key.chars().filter(c -> c == '\u001E')).hasSize(2); // only the two section separators
        assertThat(key).isEqualTo(CODEC.twinKey(crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe evil;John x;;;",
                "END:VCARD")));
    }

    private static String reversedProperties(String card) {
        List<String> lines = new ArrayList<>(List.of(card.split("\r\n")));
        List<String> body = new ArrayList<>(lines.subList(2, lines.size() - 1));
        Collections.reverse(body);
        List<String> out = new ArrayList<>(lines.subList(0, 2));
        out.addAll(body);
        out.add("END:VCARD");
        return String.join("\r\n", out) + "\r\n";
    }
}
