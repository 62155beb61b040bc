package io.syncgw.codec.wbxml;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.xml.TraceCorpus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed and hostile WBXML is refused as a value, in every chunking, within the configured limits. */
class WbxmlDecoderHostileInputTest {
    private static final DecoderLimits SMALL = new DecoderLimits(10_000, 32, 1_000, 1_000, 100, 100);

    /** The same verdict whatever the chunking: whole, byte by byte, and in 2-, 7- and 64-byte pieces. */
    private static DecodeResult everyWay(byte[] b, DecoderLimits limits) {
        DecodeResult whole = WbxmlChunked.decode(b, Math.max(1, b.length), limits);
        for (int chunk : new int[] {1, 2, 7, 64}) {
            DecodeResult r = WbxmlChunked.decode(b, chunk, limits);
            assertThat(r.getClass()).as("chunk %d", chunk).isEqualTo(whole.getClass());
            if (r instanceof Malformed m) {
                assertThat(m.problem()).as("chunk %d: %s", chunk, m.reason()).isEqualTo(((Malformed) whole).problem());
            }
        }
        return whole;
    }

    private static Malformed malformed(byte[] b) {
        return malformed(b, DecoderLimits.DEFAULT);
    }

    private static Malformed malformed(byte[] b, DecoderLimits limits) {
        DecodeResult r = everyWay(b, limits);
        assertThat(r).isInstanceOf(Malformed.class);
        return (Malformed) r;
    }

    /** Feeds {@code b} without ending the input: the verdict must not wait for bytes that cannot help. */
    private static DecodeResult fedOnly(byte[] b, DecoderLimits limits) {
        return new SyncMlWbxmlDecoder(limits).feed(b);
    }

    @Test
    void aStringTableOfTwoGigabytesIsRefusedFromItsLengthAlone() {
        byte[] b = Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A).mb(2L << 30).done();
        DecodeResult r = fedOnly(b, DecoderLimits.DEFAULT);
        assertThat(r).isInstanceOf(Malformed.class);
        assertThat(((Malformed) r).problem()).isEqualTo(Problem.LIMIT);
        assertThat(((Malformed) r).reason()).contains("string table");
        // within the per-string limit but beyond what the message limit leaves
        Malformed m = (Malformed) fedOnly(Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A).mb(999).done(),
                new DecoderLimits(500, 32, 1_000, 1_000, 100, 100));
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("message limit");
        // within both, but the body ends first
        assertThat(malformed(Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A).mb(900).b('a', 'b').done()).problem())
                .isEqualTo(Problem.SYNTAX);
    }

    @Test
    void anInlineStringWithoutTerminatorIsTruncationOrALimit() {
        byte[] open = Wb.message().b(0x6B, 0x46).b(0x4B, 0x03).bytes("1234567".getBytes(StandardCharsets.US_ASCII))
                .done();
        Malformed m = malformed(open);
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        assertThat(m.reason()).contains("truncated");
        byte[] endless = Wb.message().b(0x6B, 0x46, 0x4B, 0x03).repeat(5_000, 'x').done();
        m = malformed(endless, SMALL);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("inline string");
    }

    @Test
    void opaqueLongerThanTheRestIsRefused() {
        byte[] b = Wb.message().b(0x6B, 0x46, 0x4B, 0xC3).mb(3_000_000_000L).done();
        Malformed m = (Malformed) fedOnly(b, DecoderLimits.DEFAULT);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("opaque");
        m = (Malformed) fedOnly(Wb.message().b(0x6B, 0x46, 0x4B, 0xC3).mb(9_990).done(),
                new DecoderLimits(10_000, 32, 1_000, 1_000_000, 100, 100));
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("message limit leaves");
        m = malformed(Wb.message().b(0x6B, 0x46, 0x4B, 0xC3).mb(500).b('1', '2').done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
    }

    @Test
    void multiByteIntegersAreAtMostFiveBytesAndThirtyTwoBits() {
        Malformed m = malformed(Wb.message().b(0x6B, 0x46, 0x4B, 0xC3, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00).done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        assertThat(m.reason()).contains("5 bytes");
        m = malformed(Wb.message().b(0x6B, 0x46, 0x4B, 0xC3, 0x9F, 0xFF, 0xFF, 0xFF, 0x7F).done());
        assertThat(m.reason()).contains("32 bits");
        m = malformed(Wb.wbxml().b(0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
    }

    @Test
    void stringTableReferencesStayInsideTheTable() {
        byte[] noTable = Wb.message().b(0x6B, 0x46, 0x4B, 0x83, 0x00, 0x01, 0x01, 0x01).done();
        assertThat(malformed(noTable).reason()).contains("outside the string table");
        byte[] past = Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A, 0x04, 'a', 'b', 'c', 0x00).syncMlAndHeader()
                .b(0x6B, 0x46, 0x4B, 0x83).mb(4).b(0x01, 0x01, 0x01, 0x01).done();
        Malformed m = malformed(past);
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        assertThat(m.reason()).contains("reference 4");
        byte[] literal = Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A, 0x02, 'a', 0x00).b(0x44).mb(7).done();
        assertThat(malformed(literal).reason()).contains("literal tag 7");
        byte[] publicId = Wb.wbxml().b(0x02, 0x00, 0x05, 0x6A, 0x02, 'a', 0x00, 0x6D).done();
        assertThat(malformed(publicId).reason()).contains("public id 5");
    }

    @Test
    void nestingBombsHitTheDepthLimit() {
        byte[] items = Wb.message().b(0x6B).repeat(10_000, 0x54).repeat(10_000, 0x01).b(0x01, 0x01).done();
        Malformed m = malformed(items);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("nesting");
        // inside an embedded DevInf document: the limit counts the levels of the message around it
        byte[] devInf = Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x4A).repeat(40, 0x47).repeat(41, 0x01).done();
        m = malformed(put(devInf));
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).startsWith("embedded DevInf: nesting deeper than 32");
    }

    @Test
    void elementFloodsHitTheElementLimit() {
        byte[] b = Wb.message().b(0x6B).repeat(2_000, 0x12).b(0x01, 0x01).done();
        assertThat(malformed(b, SMALL).problem()).isEqualTo(Problem.LIMIT);
    }

    @Test
    void unknownCodePagesAndTokensAreRefused() {
        Malformed m = malformed(Wb.message().b(0x6B, 0x00, 0x05, 0x45, 0x01, 0x01, 0x01).done());
        assertThat(m.problem()).isEqualTo(Problem.STRUCTURE);
        assertThat(m.reason()).contains("code page 5");
        m = malformed(Wb.message().b(0x6B, 0x70, 0x01, 0x01, 0x01).done()); // 0x30 is reserved
        assertThat(m.problem()).isEqualTo(Problem.STRUCTURE);
        assertThat(m.reason()).contains("unknown tag token 0x30");
        m = malformed(Wb.message().b(0x6B, 0x00, 0x01, 0x7F, 0x01, 0x01, 0x01).done()); // beyond MetInf's tokens
        assertThat(m.reason()).contains("code page 1");
        m = malformed(Wb.message().b(0x6B, 0x40).str("x").b(0x01, 0x01).done()); // EXT_I_0
        assertThat(m.problem()).isEqualTo(Problem.STRUCTURE);
    }

    @Test
    void processingInstructionsInsideTheDocumentAreForbidden() {
        Malformed m = malformed(Wb.message().b(0x6B, 0x43, 0x05, 0x01, 0x01, 0x01).done());
        assertThat(m.problem()).isEqualTo(Problem.FORBIDDEN);
    }

    @Test
    void attributeListsAreSkippedButReadWithinTheGrammarAndLimits() {
        // a tag with attributes whose list holds a LITERAL_C: not an attribute token
        Malformed m = malformed(Wb.message().b(0x6B, 0xC6, 0x44, 0x00, 0x01).done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        // an attribute value that never ends is bounded by the string limit
        byte[] endless = Wb.message().b(0x6B, 0xC6, 0x05, 0x03).repeat(5_000, 'v').done();
        assertThat(malformed(endless, SMALL).problem()).isEqualTo(Problem.LIMIT);
    }

    @Test
    void stringTableReferencesCannotMultiplyTheText() {
        // a 60,000-byte string referenced from 200 items: 12 MB of text out of a 62 KB message
        Wb b = Wb.wbxml().b(0x02, 0xA4, 0x01, 0x6A).mb(60_001).repeat(60_000, 'x').b(0x00).syncMlAndHeader()
                .b(0x6B, 0x5F).el(0x4B, "1");
        for (int i = 0; i < 200; i++) {
            b.b(0x54, 0x4F, 0x83, 0x00, 0x01, 0x01);
        }
        byte[] bomb = b.b(0x01, 0x01, 0x01).done();
        assertThat(bomb.length).isLessThan(62_000);
        Malformed m = malformed(bomb, new DecoderLimits(4L << 20, 32, 200_000, 4 << 20, 10_000, 10_000));
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("expand");
    }

    @Test
    void badHeadersAreRefused() {
        assertThat(malformed(Wb.wbxml().b(0x00, 0x01, 0x6D).done()).reason()).contains("WBXML 1.0");
        assertThat(malformed("<?xml version='1.0'?><SyncML/>".getBytes(StandardCharsets.US_ASCII)).reason())
                .contains("version byte");
        Malformed m = malformed(Wb.wbxml().b(0x02, 0xA4, 0x01).mb(1000).b(0x00, 0x6D).done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        assertThat(m.reason()).contains("charset");
        m = malformed(Wb.wbxml().b(0x02, 0x04, 0x6A, 0x00, 0x6D).done()); // WML 1.1's public id
        assertThat(m.problem()).isEqualTo(Problem.STRUCTURE);
        m = malformed(Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x4A, 0x01).done()); // a DevInf document
        assertThat(m.reason()).contains("DevInf document");
    }

    @Test
    void grammarViolationsAreSyntaxErrors() {
        assertThat(malformed(Wb.wbxml().b(Wb.HEADER_12).b(0x01).done()).reason()).contains("END without");
        assertThat(malformed(Wb.wbxml().b(Wb.HEADER_12).str("text").done()).reason()).contains("outside the root");
        Malformed m = malformed(Wb.message().b(0x6B, 0x46, 0x4B, 0x02).mb(0xD800).b(0x01, 0x01, 0x01, 0x01).done());
        assertThat(m.problem()).isEqualTo(Problem.SYNTAX);
        assertThat(m.reason()).contains("ENTITY");
        assertThat(new SyncMlWbxmlDecoder().endOfInput()).isInstanceOf(Malformed.class);
    }

    @Test
    void embeddedDevInfDocumentsAreCheckedToo() {
        byte[] unknownToken = Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x4A, 0x3F, 0x01).done();
        Malformed m = malformed(put(unknownToken));
        assertThat(m.problem()).isEqualTo(Problem.STRUCTURE);
        assertThat(m.reason()).startsWith("embedded DevInf:");
        byte[] trailing = Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x4A, 0x01, 0x4A, 0x01).done();
        assertThat(malformed(put(trailing)).reason()).contains("after its root");
        byte[] truncated = Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x4A, 0x65, 0x03, '1').done();
        assertThat(malformed(put(truncated)).reason()).contains("embedded DevInf: truncated");
        byte[] otherRoot = Wb.wbxml().b(0x02, 0xA4, 0x03, 0x6A, 0x00, 0x05).done();
        assertThat(malformed(put(otherRoot)).reason()).contains("root <CTCap>");
    }

    private static byte[] put(byte[] devInf) {
        return Wb.message().b(0x6B, 0x5F).el(0x4B, "1").b(0x54, 0x4F).opaque(devInf).b(0x01, 0x01, 0x01, 0x01, 0x01)
                .done();
    }

    @Test
    void everyPrefixOfAMessageIsMalformedAtTheEndOfInput() {
        DevInf d = new DevInf("1.0", "m", "x", null, null, null, null, "dev", "phone", false, false, false, List.of(),
                List.of(), List.of());
        SyncMessage withStringTable = new SyncMessage(new SyncHeader(SyncMlVersion.V1_0, "1", "1",
                Location.of("http://s"), Location.of("d"), null, false, null, Meta.EMPTY),
                List.of(new Put("1", false, null, null, Meta.ofType("application/vnd.syncml-devinf+wbxml"),
                        List.of(Item.withSource("./devinf10", new ItemData.DevInfData(d))))), true);
        List<byte[]> messages = List.of(
                TraceCorpus.bytes("B1-wbxml-md5-first-slow-sync/syncevolution-log_msg001_002_outgoing.wbxml"),
                TraceCorpus.bytes("B2-wbxml-md5-two-way-changes/syncevolution-log_msg002_007_incoming.wbxml"),
                new SyncMlWbxmlEncoder().encode(withStringTable));
        for (byte[] whole : messages) {
            assertThat(WbxmlChunked.decode(whole)).isInstanceOf(DecodeResult.Complete.class);
            for (int n = 0; n < whole.length; n++) {
                byte[] prefix = Arrays.copyOf(whole, n);
                SyncMlWbxmlDecoder decoder = new SyncMlWbxmlDecoder();
                DecodeResult fed = decoder.feed(prefix);
                assertThat(fed).as("prefix %d", n).isInstanceOf(DecodeResult.NeedMoreInput.class);
                DecodeResult end = decoder.endOfInput();
                if (!(end instanceof Malformed m) || m.problem() != Problem.SYNTAX) {
                    throw new AssertionError("prefix of " + n + " bytes gave " + end);
                }
            }
        }
    }

    @Test
    void randomBytesNeverThrowNorHang() {
        Random random = new Random(20261129L);
        int[] seen = new int[2];
        for (int i = 0; i < 1_000; i++) {
            byte[] b = new byte[random.nextInt(2_000)];
            random.nextBytes(b);
            if (i % 2 == 0 && b.length > 6) {
                // past the header, so that the body's state machine gets the noise
                System.arraycopy(new byte[] {0x02, (byte) 0xA4, 0x01, 0x6A, 0x00, 0x6D}, 0, b, 0, 6);
            }
            seen[verdict(b, 1 + random.nextInt(64))]++;
        }
        assertThat(seen[0] + seen[1]).isEqualTo(1_000);
    }

    @Test
    void mutatedMessagesNeverThrowNorHang() {
        byte[] original = TraceCorpus.bytes("B1-wbxml-md5-first-slow-sync/syncevolution-log_msg002_006_outgoing.wbxml");
        Random random = new Random(42L);
        for (int i = 0; i < 1_000; i++) {
            byte[] b = original.clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                b = Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
            verdict(b, 1 + random.nextInt(512));
        }
    }

    /** 0 for Complete, 1 for Malformed; the same in two chunkings, and never anything else at the end of input. */
    private static int verdict(byte[] b, int chunk) {
        DecodeResult whole = WbxmlChunked.decode(b, Math.max(1, b.length), SMALL);
        DecodeResult chunked = WbxmlChunked.decode(b, chunk, SMALL);
        assertThat(chunked.getClass()).isEqualTo(whole.getClass());
        if (whole instanceof Malformed m) {
            assertThat(((Malformed) chunked).problem()).isEqualTo(m.problem());
            return 1;
        }
        assertThat(whole).isInstanceOf(DecodeResult.Complete.class);
        assertThat(chunked).isEqualTo(whole);
        return 0;
    }

    @Test
    void inputAfterAVerdictIsIgnored() {
        SyncMlWbxmlDecoder d = new SyncMlWbxmlDecoder();
        DecodeResult first = d.feed(Wb.message().b(0x6B, 0x12, 0x01, 0x01).done());
        assertThat(first).isInstanceOf(DecodeResult.Complete.class);
        assertThat(d.feed(new byte[] {0x01, 0x02, 0x03})).isSameAs(first);
        assertThat(d.endOfInput()).isSameAs(first);
        SyncMlWbxmlDecoder bad = new SyncMlWbxmlDecoder();
        DecodeResult refused = bad.feed(new byte[] {0x07});
        assertThat(refused).isInstanceOf(Malformed.class);
        assertThat(bad.feed(Wb.message().done())).isSameAs(refused);
        assertThat(bad.bytesFed()).isEqualTo(1);
    }

    @Test
    void oversizedBodiesAreRefusedBeforeTheyAreParsed() {
        DecoderLimits tiny = new DecoderLimits(100, 32, 1_000, 1_000, 100, 100);
        Malformed m = (Malformed) fedOnly(new byte[101], tiny);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("100 bytes");
    }
}
