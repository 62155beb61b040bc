package io.syncgw.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult.Complete;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Invalid UTF-8 and characters XML cannot carry inside an item's data (issue 8, point 4): never an exception out of
 * a decoder, never text that is not valid Unicode in the model (so nothing that is not valid UTF-8 can reach the
 * store), in every chunking.
 *
 * <ul>
 *   <li>XML: the document is not well-formed, so the whole message is refused ({@link Problem#SYNTAX}, HTTP 400):
 *       nothing of it is applied. The client's item stays as it is on the device; the store holds nothing of it.</li>
 *   <li>WBXML: strings are bytes in the declared charset; each invalid UTF-8 sequence becomes U+FFFD and the rest of
 *       the item is kept, so the stored item is valid UTF-8 (the bad bytes are replaced, nothing else changes).</li>
 * </ul>
 */
class InvalidTextInItemsTest {

    /** Byte sequences that are not UTF-8: each with a name for the report. */
    static List<Object[]> badSequences() {
        return List.of(
                new Object[] {"lone continuation byte", new byte[] {(byte) 0x80}},
                new Object[] {"truncated 2-byte sequence", new byte[] {(byte) 0xC3, '('}},
                new Object[] {"UTF-16 surrogate (ED A0 80)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}},
                new Object[] {"beyond U+10FFFF (F4 90 80 80)",
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}},
                new Object[] {"5-byte form (F8 88 80 80 80)",
                        new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}},
                new Object[] {"FF byte", new byte[] {(byte) 0xFF}},
                new Object[] {"ISO-8859-1 'é' (E9) before ASCII", new byte[] {(byte) 0xE9, 'x', 'y'}});
    }

    private static final String VCARD_HEAD = "BEGIN:VCARD\nVERSION:3.0\nN:M";
    private static final String VCARD_TAIL = "ller;Hans\nFN:Hans M\nEND:VCARD\n";

    private static byte[] xmlMessage(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("<SyncML xmlns=\"SYNCML:SYNCML1.2\"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>SyncML/1.2</VerProto>"
                + "<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>http://s/sync</LocURI></Target>"
                + "<Source><LocURI>dev</LocURI></Source></SyncHdr><SyncBody><Sync><CmdID>1</CmdID>"
                + "<Target><LocURI>contacts</LocURI></Target><Source><LocURI>./contacts</LocURI></Source>"
                + "<Add><CmdID>2</CmdID><Meta><Type xmlns=\"syncml:metinf\">text/vcard</Type></Meta>"
                + "<Item><Source><LocURI>1</LocURI></Source><Data><![CDATA[").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(data);
        b.writeBytes("]]></Data></Item></Add></Sync><Final/></SyncBody></SyncML>".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** The same message in WBXML, the item's data as an inline string of raw bytes. */
    private static byte[] wbxmlMessage(byte[] data) {
        // encode a placeholder message with the real encoder, then put the raw bytes in place of the placeholder
        byte[] placeholder = "@@PLACEHOLDER@@".getBytes(StandardCharsets.US_ASCII);
        DecodeResult r = new SyncMlXmlDecoder().feed(xmlMessage(placeholder), 0, xmlMessage(placeholder).length);
        byte[] encoded = new SyncMlWbxmlEncoder().encode(((Complete) r).message());
        int at = indexOf(encoded, placeholder);
        assertThat(at).as("placeholder in the WBXML").isPositive();
        // the encoder writes item data as OPAQUE (C3, length, bytes) or STR_I (03, bytes, 00): rewrite as STR_I
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int start = at;
        int end = at + placeholder.length;
        if (encoded[at - 1] == 0x03) {
            start = at - 1;
            end = at + placeholder.length + 1;
        } else {
            start = at - 2; // C3 + one-byte length
            assertThat(encoded[start]).isEqualTo((byte) 0xC3);
        }
        b.write(encoded, 0, start);
        b.write(0x03);
        b.writeBytes(data);
        b.write(0x00);
        b.write(encoded, end, encoded.length - end);
        return b.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] itemBytes(byte[] bad) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(VCARD_HEAD.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(bad);
        b.writeBytes(VCARD_TAIL.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** Decodes in every chunk size from 1 to 16 and whole; all verdicts must agree. Exceptions fail the test. */
    private static DecodeResult decodeEveryWay(byte[] msg, Supplier<SyncMlDecoder> decoders) {
        DecodeResult whole = feed(msg, msg.length, decoders.get());
        for (int chunk = 1; chunk <= 16; chunk++) {
            DecodeResult r = feed(msg, chunk, decoders.get());
            assertThat(r.getClass()).as("chunk %d", chunk).isEqualTo(whole.getClass());
            if (r instanceof Complete c) {
                assertThat(c.message()).as("chunk %d", chunk).isEqualTo(((Complete) whole).message());
            } else if (r instanceof Malformed m) {
                assertThat(m.problem()).as("chunk %d", chunk).isEqualTo(((Malformed) whole).problem());
            }
        }
        return whole;
    }

    private static DecodeResult feed(byte[] msg, int chunk, SyncMlDecoder d) {
        for (int off = 0; off < msg.length; off += chunk) {
            DecodeResult r = d.feed(msg, off, Math.min(chunk, msg.length - off));
            if (!(r instanceof DecodeResult.NeedMoreInput)) {
                return r;
            }
        }
        return d.endOfInput();
    }

    private static String itemText(DecodeResult r) {
        for (Command c : ((Complete) r).message().commands()) {
            if (c instanceof Sync s) {
                for (Command inner : s.commands()) {
                    if (inner instanceof Add a) {
                        return ((ItemData.Text) a.items().get(0).data()).value();
                    }
                }
            }
        }
        throw new AssertionError("no Add in " + r);
    }

    private static boolean isValidUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "XML: {0}")
    @MethodSource("badSequences")
    void xmlRefusesTheWholeMessageAsNotWellFormed(String name, byte[] bad) {
        DecodeResult r = decodeEveryWay(xmlMessage(itemBytes(bad)), SyncMlXmlDecoder::new);
        assertThat(r).as(name).isInstanceOfSatisfying(Malformed.class,
                m -> assertThat(m.problem()).isEqualTo(Problem.SYNTAX));
    }

    @ParameterizedTest(name = "WBXML: {0}")
    @MethodSource("badSequences")
    void wbxmlReplacesEachBadSequenceAndKeepsTheRest(String name, byte[] bad) throws Exception {
        DecodeResult r = decodeEveryWay(wbxmlMessage(itemBytes(bad)), SyncMlWbxmlDecoder::new);
        assertThat(r).as(name).isInstanceOf(Complete.class);
        String text = itemText(r);
        assertThat(text).startsWith(VCARD_HEAD).endsWith(VCARD_TAIL).contains("\uFFFD");
        assertThat(isValidUnicode(text)).isTrue();
        // what the store receives is valid UTF-8 that decodes to the same text
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(utf8)).toString())
                .isEqualTo(text);
        // and the item goes on to an XML device as a well-formed message carrying the same text
        byte[] xml = new SyncMlXmlEncoder().encode(((Complete) r).message());
        DecodeResult again = new SyncMlXmlDecoder().feed(xml, 0, xml.length);
        assertThat(again).isInstanceOf(Complete.class);
        assertThat(itemText(again)).isEqualTo(text);
    }

    @Test
    void overlongFormsAreReadAsTheCharacterTheySpellAndStayText() {
        // Aalto is lenient here: C0 AF is '/', E0 80 BC is '<'. The result is valid Unicode, and the '<' is text of
        // the item (the markup was tokenised before), so nothing is injected; WBXML replaces them with U+FFFD.
        byte[] overlong = {(byte) 0xC0, (byte) 0xAF, (byte) 0xE0, (byte) 0x80, (byte) 0xBC};
        DecodeResult x = decodeEveryWay(xmlMessage(itemBytes(overlong)), SyncMlXmlDecoder::new);
        assertThat(itemText(x)).isEqualTo(VCARD_HEAD + "/<" + VCARD_TAIL);
        DecodeResult w = decodeEveryWay(wbxmlMessage(itemBytes(overlong)), SyncMlWbxmlDecoder::new);
        assertThat(itemText(w)).startsWith(VCARD_HEAD).endsWith(VCARD_TAIL).doesNotContain("/", "<").contains("\uFFFD");
    }

    @Test
    void badBytesInPlainTextAreRefusedLikeInCdata() {
        // found by XmlDecoderFuzzTest: outside CDATA, Aalto reported the bad character from getText() as an
        // unchecked exception, which left the decoder (HTTP 500 instead of 400)
        for (Object[] bad : badSequences()) {
            byte[] item = itemBytes((byte[]) bad[1]);
            String xml = new String(xmlMessage(new byte[0]), StandardCharsets.ISO_8859_1)
                    .replace("<![CDATA[]]>", new String(item, StandardCharsets.ISO_8859_1));
            DecodeResult r = decodeEveryWay(xml.getBytes(StandardCharsets.ISO_8859_1), SyncMlXmlDecoder::new);
            assertThat(r).as((String) bad[0]).isInstanceOfSatisfying(Malformed.class,
                    m -> assertThat(m.problem()).isEqualTo(Problem.SYNTAX));
        }
    }

    @Test
    void validMultiByteCharactersSplitAcrossChunksArriveIntact() throws Exception {
        String text = VCARD_HEAD + "ü\u20ac\uD83D\uDE00" + VCARD_TAIL; // 2-, 3- and 4-byte sequences
        byte[] item = text.getBytes(StandardCharsets.UTF_8);
        assertThat(itemText(decodeEveryWay(xmlMessage(item), SyncMlXmlDecoder::new))).isEqualTo(text);
        assertThat(itemText(decodeEveryWay(wbxmlMessage(item), SyncMlWbxmlDecoder::new))).isEqualTo(text);
    }

    @Test
    void controlCharactersXmlCannotCarryAreASyntaxErrorNotAnException() {
        // found by XmlDecoderFuzzTest: Aalto reports a bad character in text lazily, as an unchecked exception
        for (int c : new int[] {0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F}) {
            DecodeResult r = decodeEveryWay(xmlMessage(itemBytes(new byte[] {(byte) c})), SyncMlXmlDecoder::new);
            assertThat(r).as("U+%04X", c).isInstanceOfSatisfying(Malformed.class,
                    m -> assertThat(m.problem()).isEqualTo(Problem.SYNTAX));
            String plain = new String(xmlMessage(new byte[0]), StandardCharsets.ISO_8859_1)
                    .replace("<![CDATA[]]>", "BEGIN:VCARD" + (char) c + "END:VCARD");
            DecodeResult p = decodeEveryWay(plain.getBytes(StandardCharsets.ISO_8859_1), SyncMlXmlDecoder::new);
            assertThat(p).as("U+%04X outside CDATA", c).isInstanceOfSatisfying(Malformed.class,
                    m -> assertThat(m.problem()).isEqualTo(Problem.SYNTAX));
        }
        // WBXML can carry them (strings are bytes); the XML encoder writes U+FFFD for them, so a reply stays
        // well-formed
        DecodeResult w = decodeEveryWay(wbxmlMessage(itemBytes(new byte[] {0x01})), SyncMlWbxmlDecoder::new);
        assertThat(itemText(w)).contains("\u0001");
        byte[] xml = new SyncMlXmlEncoder().encode(((Complete) w).message());
        assertThat(itemText(new SyncMlXmlDecoder().feed(xml, 0, xml.length))).contains("\uFFFD")
                .doesNotContain("\u0001");
    }
}
