package io.syncgw.codec.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.UnknownCommand;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoder/decoder behaviour the corpus does not exercise: awkward payloads, versions, tolerance. */
class XmlCodecBehaviourTest {
    private final SyncMlXmlEncoder encoder = new SyncMlXmlEncoder();

    private static SyncHeader header(SyncMlVersion v) {
        return new SyncHeader(v, "7", "3", Location.of("dev-1"), Location.of("http://gw/sync"), null, false, null,
                Meta.EMPTY.withMaxMsgSize(10_240L));
    }

    private SyncMessage roundTrip(SyncMessage m) {
        byte[] bytes = encoder.encode(m);
        DecodeResult r = Chunked.decode(bytes, 3);
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).message();
    }

    private static SyncMessage withPayload(SyncMlVersion v, String payload) {
        Add add = new Add("2", false, null, Meta.ofType("text/vcard"),
                List.of(Item.withSource("42", ItemData.text(payload))));
        Sync sync = new Sync("1", false, null, Location.of("./contacts"), Location.of("contacts"), Meta.EMPTY, 1,
                List.of(add));
        return new SyncMessage(header(v), List.of(sync), true);
    }

    @Test
    void payloadsKeepCrLfCdataTerminatorsAndMarkup() {
        String vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:a ]]> b <c> & d\r\nFN:Jürgen Ødegaard 😀\r\nEND:VCARD\r\n";
        SyncMessage m = withPayload(SyncMlVersion.V1_2, vcard);
        assertThat(roundTrip(m)).isEqualTo(m);
        String lfOnly = "BEGIN:VCARD\nNOTE:x]]>y]]]]>z\nEND:VCARD\n";
        SyncMessage m2 = withPayload(SyncMlVersion.V1_2, lfOnly);
        assertThat(roundTrip(m2)).isEqualTo(m2);
    }

    @Test
    void charactersXmlCannotCarryBecomeReplacementCharacters() {
        SyncMessage m = withPayload(SyncMlVersion.V1_2, "NOTE:bell\u0007 nul\u0000 lone\uD800 end");
        SyncMessage back = roundTrip(m);
        Add add = (Add) ((Sync) back.commands().get(0)).commands().get(0);
        assertThat(add.items().get(0).text()).isEqualTo("NOTE:bell\uFFFD nul\uFFFD lone\uFFFD end");
    }

    @Test
    void everyVersionWritesItsOwnNamespaceAndVersions() {
        for (SyncMlVersion v : SyncMlVersion.values()) {
            SyncMessage m = withPayload(v, "x");
            String xml = new String(encoder.encode(m), StandardCharsets.UTF_8);
            assertThat(xml).contains("xmlns=\"" + v.namespace() + "\"", "<VerDTD>" + v.verDtd() + "</VerDTD>",
                    "<VerProto>" + v.verProto() + "</VerProto>");
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void unknownCommandsAndElementsAreToleratedAndReported() {
        String xml = "<?xml version=\"1.0\"?>\n\n<SyncML xmlns='SYNCML:SYNCML1.1'><SyncHdr><VerDTD>1.1</VerDTD>"
                + "<VerProto>SyncML/1.1</VerProto><SessionID> 9 </SessionID><MsgID>1</MsgID>"
                + "<Target><LocURI>http://gw/sync</LocURI></Target><Source><LocURI>IMEI:1</LocURI></Source>"
                + "<X-Vendor>ignored</X-Vendor></SyncHdr><SyncBody><Exec><CmdID>4</CmdID></Exec>"
                + "<!-- a comment --><Final/></SyncBody></SyncML>";
        DecodeResult r = Chunked.decode(("  \r\n" + xml).getBytes(StandardCharsets.UTF_8), 5);
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        SyncMessage m = ((DecodeResult.Complete) r).message();
        assertThat(m.header().version()).isEqualTo(SyncMlVersion.V1_1);
        assertThat(m.header().sessionId()).isEqualTo("9");
        assertThat(m.commands()).containsExactly(new UnknownCommand("Exec", "4"));
        assertThat(m.fin()).isTrue();
    }

    @Test
    void isoLatin1DocumentsDecode() {
        String xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><SyncML><SyncHdr><VerDTD>1.2</VerDTD>"
                + "<VerProto>SyncML/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>"
                + "<Target><LocURI>s</LocURI></Target><Source><LocURI>d</LocURI><LocName>M\u00fcller</LocName>"
                + "</Source></SyncHdr><SyncBody/></SyncML>";
        DecodeResult r = Chunked.decode(xml.getBytes(StandardCharsets.ISO_8859_1), 2);
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        assertThat(((DecodeResult.Complete) r).message().header().source().locName()).isEqualTo("Müller");
    }
}
