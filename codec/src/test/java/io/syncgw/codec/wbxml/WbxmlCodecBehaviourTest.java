package io.syncgw.codec.wbxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.UnknownCommand;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtParam;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.model.devinf.DsMem;
import io.syncgw.codec.model.devinf.Ext;
import io.syncgw.codec.model.devinf.FilterCap;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.codec.xml.TraceCorpus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoder and decoder behaviour the corpus does not exercise: versions, DevInf forms, awkward text, device quirks. */
class WbxmlCodecBehaviourTest {
    private final SyncMlWbxmlEncoder encoder = new SyncMlWbxmlEncoder();

    private static SyncHeader header(SyncMlVersion v) {
        return new SyncHeader(v, "7", "3", Location.of("dev-1"), Location.of("http://gw/sync"), null, false, null,
                Meta.EMPTY.withMaxMsgSize(10_240L));
    }

    private static SyncMessage withPayload(SyncMlVersion v, String payload) {
        Add add = new Add("2", false, null, Meta.ofType("text/vcard"),
                List.of(Item.withSource("42", ItemData.text(payload))));
        Sync sync = new Sync("1", false, null, Location.of("./contacts"), Location.of("contacts"), Meta.EMPTY, 1,
                List.of(add));
        return new SyncMessage(header(v), List.of(sync), true);
    }

    /** Encodes, checks the size contract, decodes in 3-byte chunks. */
    private SyncMessage roundTrip(SyncMessage m) {
        byte[] bytes = encoder.encode(m);
        int predicted = encoder.envelopeSize(m.header(), m.fin());
        for (Command c : m.commands()) {
            predicted += encoder.sizeOf(c);
        }
        assertThat(bytes.length).as("encoded size = predicted size").isEqualTo(predicted);
        return complete(WbxmlChunked.decode(bytes, 3));
    }

    private static SyncMessage complete(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).message();
    }

    @Test
    void everyVersionWritesItsPublicIdentifier() {
        HexFormat hex = HexFormat.of();
        // WBXML 1.2, public id 0x1201 / 0x0FD3 as mb_u_int32, UTF-8, empty string table, then <SyncML>
        assertThat(hex.formatHex(encoder.encode(withPayload(SyncMlVersion.V1_2, "x")), 0, 6)).isEqualTo("02a4016a006d");
        assertThat(hex.formatHex(encoder.encode(withPayload(SyncMlVersion.V1_1, "x")), 0, 6)).isEqualTo("029f536a006d");
        // 1.0: public id 0 = "string at offset 0 of the table", which holds the formal public identifier
        byte[] v10 = encoder.encode(withPayload(SyncMlVersion.V1_0, "x"));
        assertThat(hex.formatHex(v10, 0, 5)).isEqualTo("0200006a1e");
        assertThat(new String(v10, 5, 29, StandardCharsets.US_ASCII)).isEqualTo("-//SYNCML//DTD SyncML 1.0//EN");
        assertThat(v10[34]).isZero();
        assertThat(v10[35]).isEqualTo((byte) 0x6D);
        for (SyncMlVersion v : SyncMlVersion.values()) {
            SyncMessage m = withPayload(v, "BEGIN:VCARD\r\nEND:VCARD\r\n");
            assertThat(roundTrip(m)).isEqualTo(m);
        }
        assertThat(encoder.contentType()).isEqualTo("application/vnd.syncml+wbxml");
    }

    @Test
    void payloadsAreCarriedExactly() {
        String vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a ]]> b <c> & d\r\nFN:J\u00fcrgen \u00d8degaard \uD83D\uDE00"
                + "\r\nX-BELL:\u0007 nul \u0000 lone-cr \r end\r\nEND:VCARD\r\n";
        SyncMessage m = withPayload(SyncMlVersion.V1_2, vcard);
        assertThat(roundTrip(m)).isEqualTo(m); // OPAQUE keeps what XML cannot: controls, NUL, bare CR
        SyncMessage empty = withPayload(SyncMlVersion.V1_2, "");
        assertThat(roundTrip(empty)).isEqualTo(empty);
    }

    @Test
    void whatUtf8CannotCarryBecomesReplacementCharacters() {
        SyncMessage m = withPayload(SyncMlVersion.V1_2, "lone \uD800 surrogate");
        Add add = (Add) ((Sync) roundTrip(m).commands().get(0)).commands().get(0);
        assertThat(add.items().get(0).text()).isEqualTo("lone \uFFFD surrogate");
        // a value is an inline string, which ends at a zero byte
        SyncHeader h = new SyncHeader(SyncMlVersion.V1_2, "7", "3", Location.of("dev-1"),
                new Location("http://gw/sync", "a\u0000b"), null, false, null, Meta.EMPTY);
        SyncMessage back = roundTrip(new SyncMessage(h, List.of(), true));
        assertThat(back.header().source().locName()).isEqualTo("a\uFFFDb");
    }

    @Test
    void emptyValuesSurvive() {
        SyncHeader h = new SyncHeader(SyncMlVersion.V1_2, "7", "3", Location.of("dev-1"),
                new Location("http://gw/sync", ""), "", false, null, Meta.EMPTY.withNextNonce(""));
        SyncMessage m = new SyncMessage(h, List.of(), false);
        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void devInfOfEveryVersionIsAnEmbeddedDocumentThatDecodesToTheSameModel() {
        for (String verDtd : List.of("1.0", "1.1", "1.2")) {
            DevInf d = devInf(verDtd);
            SyncMessage m = new SyncMessage(header(SyncMlVersion.V1_2), List.of(new Put("1", false, null, null,
                    Meta.ofType("application/vnd.syncml-devinf+wbxml"),
                    List.of(Item.withSource("./devinf12", new ItemData.DevInfData(d))))), true);
            assertThat(roundTrip(m)).as("DevInf %s", verDtd).isEqualTo(m);
        }
        // and the XML encoding of the same message decodes to the same model too
        SyncMessage m = new SyncMessage(header(SyncMlVersion.V1_1), List.of(new Put("1", false, null, null,
                Meta.ofType("application/vnd.syncml-devinf+xml"),
                List.of(Item.withSource("./devinf11", new ItemData.DevInfData(devInf("1.1")))))), true);
        byte[] xml = new SyncMlXmlEncoder().encode(m);
        io.syncgw.codec.xml.SyncMlXmlDecoder x = new io.syncgw.codec.xml.SyncMlXmlDecoder();
        assertThat(complete(x.feed(xml))).isEqualTo(roundTrip(m));
    }

    private static DevInf devInf(String verDtd) {
        boolean v12 = verDtd.equals("1.2");
        CtCap vcard = new CtCap("text/vcard", v12 ? "3.0" : null, v12, List.of(
                new CtProperty("TEL", v12 ? "chr" : null, v12 ? 3 : null, 40, v12, List.of("x"), "Phone",
                        List.of(new CtParam("TYPE", null, List.of("HOME", "WORK"), null)))));
        DataStore ds = new DataStore("./contacts", "Contacts", 32, new ContentTypeRef("text/x-vcard", "2.1"),
                List.of(new ContentTypeRef("text/vcard", "3.0")), new ContentTypeRef("text/x-vcard", "2.1"),
                List.of(new ContentTypeRef("text/vcard", "3.0")), v12 ? List.of(vcard) : List.of(),
                new DsMem(true, 1_000_000L, 500L), v12, List.of("1", "2", "390001"),
                v12 ? List.of(new ContentTypeRef("text/x-s4j-sife", "1.0")) : List.of(),
                v12 ? List.of(new FilterCap("text/vcard", "3.0", List.of("TEL"), List.of("N"))) : List.of());
        return new DevInf(verDtd, "syncgw", "gw", "oem", "1", "2", "3", "id", "server", true, true, true,
                List.of(ds), v12 ? List.of() : List.of(vcard), List.of(new Ext("X-funambol-smartslow", List.of())));
    }

    @Test
    void anchorsInDataAndCommandsEndingInTheMetInfPageKeepSizesExact() {
        Status st = new Status("1", "1", "3", "Alert", List.of("./contacts"), List.of("contacts"), null, null, 200,
                List.of(new Item(null, null, null, null, null, new ItemData.AnchorData(new Anchor("1", "2")), false)));
        Alert al = new Alert("2", false, null, 200, null, List.of(new Item(Location.of("contacts"),
                Location.of("./contacts"), null, null, Meta.EMPTY.withAnchor(new Anchor("a", "b")), null, false)));
        for (boolean fin : new boolean[] {true, false}) {
            // each command ends in page 1; the next start tag (or Final, or END) needs the switch back
            SyncMessage m = new SyncMessage(header(SyncMlVersion.V1_2), List.of(st, al, st), fin);
            assertThat(roundTrip(m)).isEqualTo(m);
        }
        assertThat(encoder.sizeOf(st)).isEqualTo(encoder.sizeOf(st)); // context-free
    }

    @Test
    void commandsWithoutATokenCannotBeWritten() {
        SyncMessage exec = new SyncMessage(header(SyncMlVersion.V1_2), List.of(new UnknownCommand("Exec", "4")), true);
        assertThat(roundTrip(exec)).isEqualTo(exec);
        assertThatThrownBy(() -> encoder.encode(new SyncMessage(header(SyncMlVersion.V1_2),
                List.of(new UnknownCommand("X-Vendor", "4")), true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-Vendor");
    }

    @Test
    void syncEvolutionWireBytesKeepCrLfAndDevInf() {
        SyncMessage m = complete(WbxmlChunked.decode(
                TraceCorpus.bytes("B1-wbxml-md5-first-slow-sync/syncevolution-log_msg002_006_outgoing.wbxml")));
        Add add = (Add) ((Sync) m.commands().get(6)).commands().get(0);
        assertThat(add.items().get(0).text()).startsWith("BEGIN:VCARD\r\n");
        SyncMessage first = complete(WbxmlChunked.decode(
                TraceCorpus.bytes("B1-wbxml-md5-first-slow-sync/syncevolution-log_msg001_002_outgoing.wbxml")));
        Put put = (Put) first.commands().get(0);
        assertThat(put.items().get(0).data()).isInstanceOf(ItemData.DevInfData.class);
        assertThat(((ItemData.DevInfData) put.items().get(0).data()).devInf().dataStores()).hasSize(3);
    }

    @Test
    void nokiaStyleQuirksAreRead() {
        // xmlns as an attribute of SyncML through LITERAL index 0 without a string table; values in OPAQUE;
        // a code-page switch right before END
        byte[] b = Wb.wbxml().b(Wb.HEADER_12).b(0xED, 0x04, 0x00).str("SYNCML:SYNCML1.2").b(0x01)
                .b(0x6C).b(0x71).opaque("1.2".getBytes(StandardCharsets.US_ASCII)).b(0x01)
                .el(0x72, "SyncML/1.2").el(0x65, "1").el(0x5B, "1")
                .b(0x6E).el(0x57, "http://s/sync").b(0x01).b(0x67).el(0x57, "IMEI:1").b(0x01)
                .b(0x5A, 0x00, 0x01).el(0x4C, "10000").b(0x00, 0x00, 0x01)
                .b(0x01).b(0x6B, 0x12, 0x01, 0x01).done();
        SyncMessage m = complete(WbxmlChunked.decode(b, 1));
        assertThat(m.header().version()).isEqualTo(SyncMlVersion.V1_2);
        assertThat(m.header().meta().maxMsgSize()).isEqualTo(10_000L);
        assertThat(m.fin()).isTrue();
    }

    @Test
    void stringTablesLiteralNamesEntitiesAndPrologPisAreRead() {
        // string table: "Exec\0" at 0, "4\0" at 5, "M\u00fcller\0" (Latin-1) at 7
        byte[] table = {'E', 'x', 'e', 'c', 0, '4', 0, 'M', (byte) 0xFC, 'l', 'l', 'e', 'r', 0};
        byte[] b = Wb.wbxml().b(0x03, 0x01, 0x04).mb(table.length).bytes(table)
                .b(0x43, 0x05, 0x03, 'x', 0x00, 0x01) // a PI before the root: skipped
                .b(0x6D, 0x6C).el(0x71, "1.1").el(0x72, "SyncML/1.1").el(0x65, "1").el(0x5B, "1")
                .b(0x6E).el(0x57, "s").b(0x01).b(0x67).el(0x57, "d").b(0x56, 0x83, 0x07, 0x02, 0x21, 0x01).b(0x01)
                .b(0x01).b(0x6B).b(0x44, 0x00).b(0x4B, 0x83, 0x05, 0x01).b(0x01).b(0x12, 0x01, 0x01).done();
        SyncMessage m = complete(WbxmlChunked.decode(b, 2));
        assertThat(m.header().version()).isEqualTo(SyncMlVersion.V1_1);
        assertThat(m.header().source().locName()).isEqualTo("M\u00fcller!");
        assertThat(m.commands()).containsExactly(new UnknownCommand("Exec", "4"));
    }

    @Test
    void charsetsAndTextDecoding() {
        byte[] latin1 = Wb.wbxml().b(0x02, 0xA4, 0x01, 0x04, 0x00).syncMlAndHeader().b(0x6B, 0x46).el(0x4B, "1")
                .b(0x4F, 0x03, '2', '0', '0', 0x00, 0x01).b(0x54, 0x4F, 0x03, (byte) 0xE9 & 0xFF, 0x00, 0x01, 0x01)
                .b(0x01, 0x01, 0x01).done();
        Alert a = (Alert) complete(WbxmlChunked.decode(latin1)).commands().get(0);
        assertThat(a.items().get(0).text()).isEqualTo("\u00e9");
        byte[] unknownCharsetIsUtf8 = Arrays.copyOf(latin1, latin1.length);
        unknownCharsetIsUtf8[3] = 0x00;
        a = (Alert) complete(WbxmlChunked.decode(unknownCharsetIsUtf8)).commands().get(0);
        assertThat(a.items().get(0).text()).isEqualTo("\uFFFD"); // 0xE9 alone is not UTF-8
        byte[] nonce = Wb.message().b(0x6B, 0x69).el(0x4B, "1").el(0x5C, "1").el(0x4C, "0").el(0x4A, "SyncHdr")
                .b(0x49, 0x5A, 0x00, 0x01).el(0x53, "syncml:auth-md5").b(0x50).opaque(new byte[] {0, 1, 2, (byte) 0xFF})
                .b(0x01, 0x00, 0x00, 0x01, 0x01).el(0x4F, "401").b(0x01, 0x01, 0x01).done();
        Status st = (Status) complete(WbxmlChunked.decode(nonce)).commands().get(0);
        assertThat(st.chal().meta().nextNonce()).isEqualTo("AAEC/w==");
        assertThat(st.chal().meta().type()).isEqualTo("syncml:auth-md5");
    }

    @Test
    void opaqueThatIsNotADevInfDocumentIsText() {
        byte[] notDevInf = {0x02, (byte) 0xA4, 0x01, 0x6A, 0x00, 0x6D}; // a SyncML header, not DevInf
        byte[] b = Wb.message().b(0x6B, 0x5F).el(0x4B, "1").b(0x54, 0x4F).opaque(notDevInf).b(0x01, 0x01, 0x01, 0x01)
                .b(0x01).done();
        Put p = (Put) complete(WbxmlChunked.decode(b)).commands().get(0);
        assertThat(p.items().get(0).data()).isInstanceOf(ItemData.Text.class);
    }
}
