package io.syncgw.codec.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Malformed and hostile input is refused as a value, in every chunking, within the configured limits. */
class XmlDecoderHostileInputTest {

    private static final String HDR = "<SyncHdr><VerDTD>1.2</VerDTD><VerProto>SyncML/1.2</VerProto>"
            + "<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>http://s/sync</LocURI></Target>"
            + "<Source><LocURI>dev</LocURI></Source></SyncHdr>";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The same verdict whatever the chunking: whole, byte by byte, and in 7-byte pieces. */
    private static DecodeResult everyWay(byte[] b, DecoderLimits limits) {
        DecodeResult whole = Chunked.decode(b, Math.max(1, b.length), limits);
        for (int chunk : new int[] {1, 2, 7, 64}) {
            DecodeResult r = Chunked.decode(b, chunk, limits);
            assertThat(r.getClass()).as("chunk %d", chunk).isEqualTo(whole.getClass());
            if (r instanceof Malformed m) {
                assertThat(m.problem()).as("chunk %d", chunk).isEqualTo(((Malformed) whole).problem());
            }
        }
        return whole;
    }

    private static Malformed malformed(String xml) {
        return malformed(utf8(xml), DecoderLimits.DEFAULT);
    }

    private static Malformed malformed(byte[] b, DecoderLimits limits) {
        DecodeResult r = everyWay(b, limits);
        assertThat(r).isInstanceOf(Malformed.class);
        return (Malformed) r;
    }

    @Test
    void billionLaughsIsRefused() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE SyncML [<!ENTITY a \"aaaaaaaaaa\">"
                + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                + "<SyncML>" + HDR + "<SyncBody><Alert><CmdID>1</CmdID><Data>&c;</Data></Alert></SyncBody></SyncML>";
        assertThat(malformed(xml).problem()).isIn(Problem.SYNTAX, Problem.FORBIDDEN);
    }

    @Test
    void externalEntityIsNeverResolved() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE SyncML SYSTEM \"file:///etc/passwd\">"
                + "<SyncML>" + HDR + "<SyncBody><Alert><CmdID>1</CmdID><Data>&xxe;</Data></Alert></SyncBody></SyncML>";
        Malformed m = malformed(xml);
        assertThat(m.problem()).isIn(Problem.SYNTAX, Problem.FORBIDDEN);
        assertThat(m.reason()).doesNotContain("root:");
    }

    @Test
    void bareDoctypeOfTheSyncMlDtdIsAccepted() {
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE SyncML PUBLIC \"-//SYNCML//DTD SyncML 1.2//EN\" "
                + "\"http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd\">\n"
                + "<SyncML xmlns=\"SYNCML:SYNCML1.2\">" + HDR + "<SyncBody><Final/></SyncBody></SyncML>";
        assertThat(everyWay(utf8(xml), DecoderLimits.DEFAULT)).isInstanceOf(DecodeResult.Complete.class);
    }

    @Test
    void nestingBombHitsTheDepthLimit() {
        String xml = "<SyncML>" + "<a>".repeat(10_000) + "</a>".repeat(10_000) + "</SyncML>";
        Malformed m = malformed(xml);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("nesting");
    }

    @Test
    void elementFloodHitsTheElementLimit() {
        DecoderLimits small = new DecoderLimits(1 << 20, 32, 500, 1 << 20, 100, 100);
        String xml = "<SyncML>" + HDR + "<SyncBody>" + "<x/>".repeat(1_000) + "</SyncBody></SyncML>";
        assertThat(malformed(utf8(xml), small).problem()).isEqualTo(Problem.LIMIT);
    }

    @Test
    void oversizedBodyIsRefusedBeforeItIsParsed() {
        DecoderLimits small = new DecoderLimits(1_000, 32, 1_000, 1_000, 100, 100);
        byte[] big = utf8("<SyncML>" + " ".repeat(5_000) + "</SyncML>");
        Malformed m = malformed(big, small);
        assertThat(m.problem()).isEqualTo(Problem.LIMIT);
        assertThat(m.reason()).contains("1000 bytes");
    }

    @Test
    void overlongTextHitsTheTextLimit() {
        DecoderLimits small = new DecoderLimits(1 << 20, 32, 1_000, 100, 100, 100);
        String xml = "<SyncML>" + HDR + "<SyncBody><Alert><CmdID>1</CmdID><Data>" + "9".repeat(500)
                + "</Data></Alert></SyncBody></SyncML>";
        assertThat(malformed(utf8(xml), small).problem()).isEqualTo(Problem.LIMIT);
    }

    @Test
    void commandAndItemCountsAreLimited() {
        DecoderLimits small = new DecoderLimits(1 << 20, 32, 100_000, 1 << 20, 10, 10);
        String cmds = "<Alert><CmdID>1</CmdID><Data>200</Data></Alert>".repeat(11);
        assertThat(malformed(utf8("<SyncML>" + HDR + "<SyncBody>" + cmds + "</SyncBody></SyncML>"), small).reason())
                .contains("commands");
        String items = "<Item><Source><LocURI>x</LocURI></Source></Item>".repeat(11);
        String add = "<Sync><CmdID>1</CmdID><Add><CmdID>2</CmdID>" + items + "</Add></Sync>";
        assertThat(malformed(utf8("<SyncML>" + HDR + "<SyncBody>" + add + "</SyncBody></SyncML>"), small).reason())
                .contains("items");
    }

    @Test
    void garbageEmptyAndTruncatedInputAreSyntaxErrors() {
        assertThat(malformed("this is not xml at all").problem()).isEqualTo(Problem.SYNTAX);
        assertThat(malformed(new byte[] {(byte) 0xff, 0, 1, 2, (byte) 0xfe}, DecoderLimits.DEFAULT).problem())
                .isEqualTo(Problem.SYNTAX);
        assertThat(new SyncMlXmlDecoder().endOfInput()).isInstanceOf(Malformed.class);
        assertThat(malformed("<SyncML>" + HDR + "<SyncBody><Alert>").problem()).isEqualTo(Problem.SYNTAX);
        assertThat(malformed("<SyncML>" + HDR + "<SyncBody></Alert></SyncBody></SyncML>").problem())
                .isEqualTo(Problem.SYNTAX);
    }

    @Test
    void structuralProblemsAreReportedAsSuch() {
        assertThat(malformed("<html><body/></html>").problem()).isEqualTo(Problem.STRUCTURE);
        assertThat(malformed("<SyncML><SyncBody/></SyncML>").problem()).isEqualTo(Problem.STRUCTURE);
        String noMsgId = HDR.replace("<MsgID>1</MsgID>", "");
        assertThat(malformed("<SyncML>" + noMsgId + "<SyncBody/></SyncML>").reason()).contains("MsgID");
        assertThat(malformed("<SyncML>" + HDR + "<SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef>"
                + "<CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>OK</Data></Status></SyncBody></SyncML>").reason())
                .contains("Status/Data");
    }

    @Test
    void unknownVersionIsAVersionProblem() {
        String v3 = HDR.replace("<VerDTD>1.2</VerDTD>", "<VerDTD>3.0</VerDTD>");
        assertThat(malformed("<SyncML>" + v3 + "<SyncBody/></SyncML>").problem()).isEqualTo(Problem.VERSION);
    }

    @Test
    void inputAfterAVerdictIsIgnored() {
        SyncMlXmlDecoder d = new SyncMlXmlDecoder();
        DecodeResult first = d.feed(utf8("<SyncML>" + HDR + "<SyncBody><Final/></SyncBody></SyncML>"));
        assertThat(first).isInstanceOf(DecodeResult.Complete.class);
        assertThat(d.feed(utf8("<more/>"))).isSameAs(first);
        assertThat(d.endOfInput()).isSameAs(first);
    }
}
