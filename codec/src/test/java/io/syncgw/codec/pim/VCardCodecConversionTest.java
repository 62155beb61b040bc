package io.syncgw.codec.pim;

import static io.syncgw.codec.pim.TestCards.crlf;
import static io.syncgw.codec.pim.TestCards.fields;
import static io.syncgw.codec.pim.TestCards.parse;
import static io.syncgw.codec.pim.TestCards.text;
import static org.assertj.core.api.Assertions.assertThat;

import ezvcard.VCard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class VCardCodecConversionTest {

    private final VCardCodec codec = new VCardCodec();

    static Stream<String> cards21() {
        return Stream.of(
                TestCards.PHONE_21,
                crlf("BEGIN:VCARD", "VERSION:2.1",
                        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:=D8degaard;Fran=E7ois;;;",
                        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Fran=C3=A7ois =C3=98degaard",
                        "ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Strau=DF GmbH",
                        "TEL;WORK;VOICE:+47 22 00 00 00",
                        "TEL;HOME;FAX:+47 22 00 00 01",
                        "EMAIL;INTERNET;PREF:fo@example.com",
                        "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Stra=C3=9Fe 1;K=C3=B6ln;;50667;DE",
                        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Zeile 1=0D=0AZeile 2 =C3=A4=C3=B6=C3=BC =",
                        "und weiter",
                        "CATEGORIES:Kunden",
                        "X-IRMC-LUID:000A1B",
                        "END:VCARD"));
    }

    @ParameterizedTest
    @MethodSource("cards21")
    void roundTrip21To30To21KeepsFieldValues(String card) {
        String v30 = text(codec.convert(card, ContactFormat.VCARD_30));
        String back = text(codec.convert(v30, ContactFormat.VCARD_21));

        assertThat(fields(v30)).isEqualTo(fields(card));
        assertThat(fields(back)).isEqualTo(fields(card));
        assertThat(codec.detect(v30)).isEqualTo(ContactFormat.VCARD_30);
        assertThat(codec.detect(back)).isEqualTo(ContactFormat.VCARD_21);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYNCEVOLUTION_30", "RICH_30"})
    void roundTrip30To21To30KeepsAllFields(String sample) throws Exception {
        String card = (String) TestCards.class.getDeclaredField(sample).get(null);
        String v21 = text(codec.convert(card, ContactFormat.VCARD_21));
        String back = text(codec.convert(v21, ContactFormat.VCARD_30));

        assertThat(fields(v21)).isEqualTo(fields(card));
        assertThat(fields(back)).isEqualTo(fields(card));
        assertThat(parse(back).getProperties()).hasSameSizeAs(parse(card).getProperties());
    }

    @Test
    void sameFormatIsPassedThroughByteForByte() {
        String odd30 = TestCards.SYNCEVOLUTION_30.replace("\r\n", "\n").replace("FN:Bernd Müller 1", "FN:Bernd\n  Müller 1")
                + "\n\n";
        String noVersion = "BEGIN:VCARD\r\nN:Doe;John\r\nTEL;TYPE=cell:1\r\nEND:VCARD";

        assertThat(text(codec.convert(TestCards.SYNCEVOLUTION_30, ContactFormat.VCARD_30)))
                .isEqualTo(TestCards.SYNCEVOLUTION_30);
        assertThat(text(codec.convert(odd30, ContactFormat.VCARD_30))).isEqualTo(odd30);
        assertThat(text(codec.convert(TestCards.PHONE_21, ContactFormat.VCARD_21))).isEqualTo(TestCards.PHONE_21);
        assertThat(text(codec.convert(noVersion, ContactFormat.VCARD_21))).isEqualTo(noVersion);
    }

    @Test
    void vCard30OutputIsFoldedAt75OctetsWithCrlf() {
        String card = crlf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John",
                "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + qp("äöü € 😀 ".repeat(30)),
                "X-LONG:" + "abc ".repeat(60) + "end",
                "END:VCARD");

        String v30 = text(codec.convert(card, ContactFormat.VCARD_30));

        assertCrlfOnly(v30);
        for (String line : v30.split("\r\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as(line).isLessThanOrEqualTo(75);
            assertThat(line).as("no character split over two lines").doesNotContain("\uFFFD");
            assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(line)).as("no lone surrogate: " + line).isTrue();
        }
        assertThat(v30).doesNotContain("CHARSET", "QUOTED-PRINTABLE", "PRODID");
        assertThat(parse(v30).getNotes().get(0).getValue()).isEqualTo("äöü € 😀 ".repeat(30));
        assertThat(parse(v30).getExtendedProperty("X-LONG").getValue()).isEqualTo("abc ".repeat(60) + "end");
    }

    @Test
    void vCard21OutputUsesQuotedPrintableUtf8And21StyleTypes() {
        String v21 = text(codec.convert(TestCards.SYNCEVOLUTION_30, ContactFormat.VCARD_21));

        assertCrlfOnly(v21);
        assertThat(v21).startsWith("BEGIN:VCARD\r\nVERSION:2.1\r\n").endsWith("END:VCARD\r\n");
        assertThat(v21.chars().allMatch(c -> c < 0x80)).as("all non-ASCII is encoded").isTrue();
        assertThat(v21).contains(
                "\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller 1;Bernd;;;\r\n",
                "\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Bernd M=C3=BCller 1\r\n",
                "\r\nTEL;CELL:+49 170 0000001\r\n",
                "\r\nTEL;WORK;VOICE:+1 555 0000001\r\n",
                "\r\nEMAIL;INTERNET:gen-000001@example.com\r\n",
                "\r\nADR;HOME:;;Street 1;City;;00001;Country\r\n",
                "\r\nNOTE:generated contact 1 rev 2\r\n");
        assertThat(v21).doesNotContain("TYPE=");
        // the source's PRODID is kept, and no second one is added
        assertThat(v21.split("PRODID", -1)).hasSize(2);
    }

    @Test
    void vCard21OutputEncodesLineBreaksAsCrlfAndKeepsQuotedPrintableLinesShort() {
        String note = "Erste Zeile\nZweite Zeile mit Umlauten äöü, und diese Zeile ist wirklich ziemlich lang geraten";
        String card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;",
                "NOTE:" + note.replace("\n", "\\n").replace(",", "\\,"), "END:VCARD");

        String v21 = text(codec.convert(card, ContactFormat.VCARD_21));

        assertThat(v21).contains("NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0AZweite");
        for (String line : v21.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(75);
        }
        assertThat(parse(v21).getNotes().get(0).getValue()).isEqualTo(note.replace("\n", "\r\n"));
    }

    /** A soft line break followed by a space must not read as a fold that eats the space. */
    @Test
    void spacesAtSoftLineBreaksSurvive() {
        for (int shift = 0; shift < 80; shift++) {
            String note = "x".repeat(shift) + " ab cd ef gh ij kl mn op qr st uv wx yz ".repeat(4) + "ü";
            String card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;", "NOTE:" + note, "END:VCARD");

            String v21 = text(codec.convert(card, ContactFormat.VCARD_21));

            assertThat(parse(v21).getNotes().get(0).getValue()).as("shift %d", shift).isEqualTo(note);
            assertThat(v21).doesNotContain("=\r\n ");
        }
    }

    @Test
    void photoConvertsBothWaysWithIdenticalImageBytes() {
        byte[] image = VCardCodecParsingTest.image();
        String base64 = Base64.getEncoder().encodeToString(image);
        String card30 = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;Jane;;;", "FN:Jane Doe",
                "PHOTO;ENCODING=b;TYPE=JPEG:" + base64, "TEL;TYPE=CELL:+1 555 0100", "END:VCARD");

        String v21 = text(codec.convert(card30, ContactFormat.VCARD_21));
        String back30 = text(codec.convert(v21, ContactFormat.VCARD_30));
        String back21 = text(codec.convert(back30, ContactFormat.VCARD_21));

        for (String converted : List.of(v21, back30, back21)) {
            VCard parsed = parse(converted);
            assertThat(parsed.getPhotos()).hasSize(1);
            assertThat(parsed.getPhotos().get(0).getData()).isEqualTo(image);
            assertThat(parsed.getPhotos().get(0).getContentType().getValue()).isEqualToIgnoringCase("jpeg");
        }
        // versit 2.1 base64 block: on the property line, continued on space-indented lines, ended by a blank line
        assertThat(v21).contains("\r\nPHOTO;JPEG;ENCODING=BASE64:" + base64.substring(0, 10));
        assertThat(v21).contains("\r\n\r\nTEL;CELL:+1 555 0100\r\n");
        assertThat(v21).doesNotContain("ENCODING=b;", "TYPE=");
        assertThat(back30).contains("\r\nPHOTO;ENCODING=b;TYPE=");
        assertThat(back21).isEqualTo(v21);
    }

    @Test
    void noProdIdIsAdded() {
        String v30 = text(codec.convert(TestCards.PHONE_21, ContactFormat.VCARD_30));
        String v21 = text(codec.convert(TestCards.RICH_30, ContactFormat.VCARD_21));

        assertThat(v30).doesNotContain("PRODID");
        assertThat(v21).doesNotContain("PRODID");
    }

    @Test
    void unknownPropertiesAndParametersAreKept() {
        String v21 = text(codec.convert(TestCards.RICH_30, ContactFormat.VCARD_21));

        assertThat(v21).contains("\r\nX-CUSTOM;X-PARAM=one:value; with semicolon\r\n",
                "\r\nX-EVOLUTION-SPOUSE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=85se\r\n");
        assertThat(parse(v21).getExtendedProperty("X-EVOLUTION-SPOUSE").getValue()).isEqualTo("Åse");
    }

    @Test
    void parameterValuesThe21SyntaxCannotCarryAreDroppedNotFatal() {
        String card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Doe;John;;;", "X-A;X-URL=\"http://x\";X-OK=1:v",
                "END:VCARD");

        String v21 = text(codec.convert(card, ContactFormat.VCARD_21));

        assertThat(v21).contains("\r\nX-A;X-OK=1:v\r\n");
    }

    @Test
    void convertsConcurrentlyLikeSequentially() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            inputs.add(TestCards.SYNCEVOLUTION_30.replace("0000001", String.format("%07d", i)));
            inputs.add(TestCards.PHONE_21.replace("1234567", String.format("%07d", i)));
        }
        List<String> sequential = new ArrayList<>();
        for (String input : inputs) {
            sequential.add(text(codec.convert(input, ContactFormat.VCARD_21)) + codec.twinKey(input));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<String>> futures = new ArrayList<>();
                for (String input : inputs) {
                    futures.add(pool.submit(() -> text(codec.convert(input, ContactFormat.VCARD_21))
                            + codec.twinKey(input)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(sequential.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertCrlfOnly(String text) {
        assertThat(text.replace("\r\n", "")).doesNotContain("\r", "\n");
        assertThat(text).endsWith("\r\n");
    }

    /** Hand-rolled UTF-8 quoted-printable (every non-alphanumeric byte encoded), independent of the codec's. */
    private static String qp(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int v = b & 0xFF;
            if (Character.isLetterOrDigit(v) && v < 0x80) {
                out.append((char) v);
            } else {
                out.append(String.format("=%02X", v));
            }
        }
        return out.toString();
    }

    /**
     * VCardCodecFuzzTest, crash-d10fad9f: 2.1 types are written bare ({@code ADR;HOME:}), but a type holding '='
     * ({@code ADR;TYPE=HO=E:}) then read back as a parameter HO, and one that is an ENCODING or VALUE keyword
     * ({@code TYPE="a,b"}: types A and B) as that parameter: the card changed, and so did its twin key. Such types,
     * and the others of the line, keep {@code TYPE=}.
     */
    @Test
    void typesThatCannotBeBareKeepTypeIn21() {
        String[][] cases = {
            {"ADR;TYPE=HO=E:;;Street 1;City;;00001;Country", "ADR;TYPE=HO=E:;;Street 1;City;;00001;Country"},
            {"ADR;TYPE=\"home,b\":;;S;C;;1;X", "ADR;TYPE=HOME;TYPE=B:;;S;C;;1;X"},
            {"ADR;TYPE=home,b=c:;;S;C;;1;X", "ADR;TYPE=HOME;TYPE=B=C:;;S;C;;1;X"},
            {"TEL;TYPE=text,cell:+1 555", "TEL;TYPE=TEXT;TYPE=CELL:+1 555"},
            {"TEL;TYPE=work,voice:+1 555", "TEL;WORK;VOICE:+1 555"},
        };
        for (String[] c : cases) {
            String v30 = crlf("BEGIN:VCARD", "VERSION:3.0", c[0], "END:VCARD");
            String v21 = text(codec.convert(v30, ContactFormat.VCARD_21));
            assertThat(v21).as(c[0]).contains("\r\n" + c[1] + "\r\n");
            String back = text(codec.convert(v21, ContactFormat.VCARD_30));
            assertThat(codec.twinKey(v21)).as(c[0]).isEqualTo(codec.twinKey(v30)).isEqualTo(codec.twinKey(back));
        }
    }

    /**
     * VCardCodecFuzzTest, crash-9d4793fc: {@code X-A.B.C:x} reads as group X-A and property name "B.C", which
     * ez-vcard's writer refuses ('.' in a name): the card passed in its own format but could not be converted. Such
     * lines are dropped when converting, like nameless ones.
     */
    @Test
    void linesWhosePropertyNameNoWriterTakesAreDropped() {
        for (String version : new String[] {"2.1", "3.0"}) {
            String card = crlf("BEGIN:VCARD", "VERSION:" + version, "FN:Anna", "X-A.B.C:dropped", "item1.X-D:kept",
                    "\u2003X-E:dropped too", "TEL:+1 555 0100", "END:VCARD");
            for (ContactFormat target : ContactFormat.values()) {
                String out = text(codec.convert(card, target));
                if (!target.equals(version.equals("2.1") ? ContactFormat.VCARD_21 : ContactFormat.VCARD_30)) {
                    assertThat(out).as(version + " to " + target).doesNotContain("dropped")
                            .contains("item1.X-D:kept", "FN:Anna");
                }
                assertThat(codec.convert(out, ContactFormat.VCARD_21)).isInstanceOf(ConversionResult.Converted.class);
                assertThat(codec.convert(out, ContactFormat.VCARD_30)).isInstanceOf(ConversionResult.Converted.class);
            }
        }
    }
}
