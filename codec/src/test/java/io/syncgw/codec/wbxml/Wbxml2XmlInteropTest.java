package io.syncgw.codec.wbxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Replace;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtParam;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.model.devinf.DsMem;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.TraceCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link SyncMlWbxmlEncoder} writes is read back identically by an independent decoder: {@code wbxml2xml} of
 * libwbxml (Debian package {@code libwbxml2-utils}), run as a process; its XML is read with syncgw's XML decoder and
 * compared with the encoded model.
 *
 * <p>How {@code wbxml2xml} 0.11 renders SyncML, and what the comparison allows for:
 * <ul>
 *   <li>OPAQUE in {@code Data} becomes one CDATA section with the bytes as they are. CRs stay literal, so XML reads
 *       CR LF as LF ({@link LineEnds}); and a {@code ]]>} inside the payload is not split, which leaves the output
 *       not well-formed: the test splits such a section ({@link #repairCdata}) before parsing.</li>
 *   <li>OPAQUE in {@code Data} under a Meta Type {@code application/vnd.syncml-devinf+wbxml} is parsed as an embedded
 *       DevInf document and written as XML elements; the Type itself is rewritten to
 *       {@code application/vnd.syncml-devinf+xml} (also in a Get). Under any other Type the embedded document's raw
 *       bytes are written as text (not XML): a WBXML sender must label DevInf {@code +wbxml}.</li>
 *   <li>OPAQUE in MetInf {@code NextNonce} would be written as base64 (syncgw writes the nonce as a string).</li>
 *   <li>Inline strings are escaped text; a code-page switch before END is accepted.</li>
 * </ul>
 * Without {@code wbxml2xml} the test fails: CI installs it ({@code .ci/run}).
 */
class Wbxml2XmlInteropTest {
    private static final String DEVINF_WBXML = "application/vnd.syncml-devinf+wbxml";
    private static final String DEVINF_XML = "application/vnd.syncml-devinf+xml";
    private static final Pattern CDATA = Pattern.compile("<!\\[CDATA\\[(.*?)]]></Data>", Pattern.DOTALL);

    private static Path wbxml2xml;
    private final SyncMlWbxmlEncoder encoder = new SyncMlWbxmlEncoder();

    @TempDir
    Path dir;

    @BeforeAll
    static void wbxml2xmlIsInstalled() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, "wbxml2xml");
            if (Files.isExecutable(p)) {
                wbxml2xml = p;
                return;
            }
        }
        fail("wbxml2xml (libwbxml) is not installed, and this test needs it as the independent WBXML decoder: "
                + "apt-get install libwbxml2-utils");
    }

    @TestFactory
    Stream<DynamicTest> encodedMessagesReadBackIdenticallyByWbxml2xml() {
        List<DynamicTest> tests = new ArrayList<>();
        // SyncEvolution's own messages (DevInf 1.2 labelled +wbxml, vCards and iCalendar with CR LF, anchors, MD5)
        for (String f : TraceCorpus.files(".xml")) {
            if (f.startsWith("B") && f.contains("_trm")) {
                tests.add(DynamicTest.dynamicTest(f, () -> check(xml(TraceCorpus.bytes(f)))));
            }
        }
        for (SyncMlVersion v : List.of(SyncMlVersion.V1_1, SyncMlVersion.V1_2)) {
            tests.add(DynamicTest.dynamicTest("SyncML " + v.verDtd() + " vCards", () -> check(vCards(v))));
            tests.add(DynamicTest.dynamicTest("SyncML " + v.verDtd() + " DevInf", () -> check(devInf(v))));
        }
        tests.add(DynamicTest.dynamicTest("SyncML 1.0 (public id in the string table) with DevInf 1.0",
                () -> check(devInf(SyncMlVersion.V1_0))));
        tests.add(DynamicTest.dynamicTest("no Final, last command ending in the MetInf page",
                () -> check(endsInMetInf())));
        return tests.stream();
    }

    private void check(SyncMessage m) throws IOException, InterruptedException {
        Path in = dir.resolve("m.wbxml");
        Path out = dir.resolve("m.xml");
        Files.write(in, encoder.encode(m));
        Process p = new ProcessBuilder(wbxml2xml.toString(), "-m", "0", "-o", out.toString(), in.toString())
                .redirectErrorStream(true).start();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("wbxml2xml finished").isTrue();
        assertThat(p.exitValue()).as("wbxml2xml: %s", console).isZero();

        String xml = repairCdata(Files.readString(out, StandardCharsets.UTF_8));
        SyncMlXmlDecoder d = new SyncMlXmlDecoder();
        DecodeResult r = d.feed(xml.getBytes(StandardCharsets.UTF_8));
        if (r instanceof DecodeResult.NeedMoreInput) {
            r = d.endOfInput();
        }
        assertThat(r).as("wbxml2xml's XML:%n%s", xml).isInstanceOf(DecodeResult.Complete.class);
        // field by field first, for a readable difference; then equals, which is what matters
        SyncMessage back = ((DecodeResult.Complete) r).message();
        assertThat(back).usingRecursiveComparison().isEqualTo(asWbxml2xmlRendersIt(m));
        assertThat(back).isEqualTo(asWbxml2xmlRendersIt(m));
    }

    /** wbxml2xml does not split a CDATA section at a {@code ]]>} in the payload; split it as XML requires. */
    static String repairCdata(String xml) {
        Matcher m = CDATA.matcher(xml);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String body = m.group(1).replace("]]>", "]]]]><![CDATA[>");
            m.appendReplacement(sb, Matcher.quoteReplacement("<![CDATA[" + body + "]]></Data>"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The model with what wbxml2xml changes on purpose: the DevInf Meta Type of Put, Get and Results (the commands
     * that carry it), and CRs read by XML as LF.
     */
    private static SyncMessage asWbxml2xmlRendersIt(SyncMessage m) {
        SyncMessage n = LineEnds.normalised(m);
        List<Command> cs = new ArrayList<>();
        for (Command c : n.commands()) {
            if (c instanceof Get g && DEVINF_WBXML.equals(g.meta().type())) {
                cs.add(new Get(g.cmdId(), g.noResp(), g.lang(), g.cred(), g.meta().withType(DEVINF_XML), g.items()));
            } else if (c instanceof Put p && DEVINF_WBXML.equals(p.meta().type())) {
                cs.add(new Put(p.cmdId(), p.noResp(), p.lang(), p.cred(), p.meta().withType(DEVINF_XML), p.items()));
            } else if (c instanceof Results r && DEVINF_WBXML.equals(r.meta().type())) {
                cs.add(new Results(r.cmdId(), r.msgRef(), r.cmdRef(), r.meta().withType(DEVINF_XML), r.targetRefs(),
                        r.sourceRefs(), r.items()));
            } else {
                cs.add(c);
            }
        }
        return new SyncMessage(n.header(), cs, n.fin());
    }

    private static SyncMessage xml(byte[] bytes) {
        SyncMlXmlDecoder d = new SyncMlXmlDecoder();
        DecodeResult r = d.feed(bytes);
        if (r instanceof DecodeResult.NeedMoreInput) {
            r = d.endOfInput();
        }
        return ((DecodeResult.Complete) r).message();
    }

    private static SyncHeader header(SyncMlVersion v) {
        return new SyncHeader(v, "17", "2", new Location("http://gw.example/sync?s=abc", null),
                new Location("IMEI:3514", "J\u00fcrgen & <Co>"), "http://gw.example/sync?s=abc", false, null,
                Meta.EMPTY.withMaxMsgSize(65_000L).withMaxObjSize(4_000_000L));
    }

    private static SyncMessage vCards(SyncMlVersion v) {
        String card1 = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:\u00d8degaard;J\u00fcrgen\r\n"
                + "NOTE:a ]]> b <c> & d ]]]]> e\r\nFN:J\u00fcrgen \u00d8degaard \uD83D\uDE00 \u6771\u4EAC\r\n"
                + "END:VCARD\r\n";
        String card2 = "BEGIN:VCARD\nVERSION:3.0\nFN:Line feeds only\nEND:VCARD\n";
        Add add = new Add("3", false, null, Meta.ofType("text/x-vcard"),
                List.of(Item.withSource("1", ItemData.text(card1))));
        Replace rep = new Replace("4", false, null, Meta.ofType("text/vcard").withFormat("chr"),
                List.of(Item.withTarget("2", ItemData.text(card2))));
        Sync sync = new Sync("2", false, null, Location.of("./contacts"), Location.of("contacts"), Meta.EMPTY, 2,
                List.of(add, rep));
        Status st = new Status("1", "1", "0", "SyncHdr", List.of("http://gw.example/sync"), List.of("IMEI:3514"), null,
                null, 200, List.of());
        return new SyncMessage(header(v), List.of(st, sync), true);
    }

    private static SyncMessage devInf(SyncMlVersion v) {
        DataStore ds = new DataStore("./contacts", "Contacts", 32, new ContentTypeRef("text/x-vcard", "2.1"),
                List.of(new ContentTypeRef("text/vcard", "3.0")), new ContentTypeRef("text/x-vcard", "2.1"), List.of(),
                v == SyncMlVersion.V1_2 ? List.of(new CtCap("text/vcard", "3.0", false, List.of(
                        new CtProperty("TEL", null, 3, 40, false, List.of(), "Phone",
                                List.of(new CtParam("TYPE", null, List.of("HOME", "WORK"), null)))))) : List.of(),
                new DsMem(false, 1_000_000L, 500L), false, List.of("1", "2", "7"), List.of(), List.of());
        List<CtCap> flat = v == SyncMlVersion.V1_2 ? List.of() : List.of(new CtCap("text/x-vcard", null, false, List.of(
                new CtProperty("N", null, null, 64, false, List.of(), null, List.of()),
                new CtProperty("TEL", null, null, null, false, List.of(), null,
                        List.of(new CtParam("TYPE", null, List.of("HOME", "CELL"), null))))));
        DevInf d = new DevInf(v.verDtd(), "syncgw", "gateway", null, null, "0.1", null, "syncgw-1", "server", true,
                v != SyncMlVersion.V1_0, v != SyncMlVersion.V1_0, List.of(ds), flat, List.of());
        Put put = new Put("1", false, null, null, Meta.ofType(DEVINF_WBXML),
                List.of(Item.withSource(v.devInfUri(), new ItemData.DevInfData(d))));
        return new SyncMessage(header(v), List.of(put), true);
    }

    private static SyncMessage endsInMetInf() {
        Status st = new Status("1", "1", "3", "Alert", List.of("./contacts"), List.of("contacts"), null, null, 200,
                List.of(new Item(null, null, null, null, null, new ItemData.AnchorData(new Anchor(null, "42")),
                        false)));
        return new SyncMessage(header(SyncMlVersion.V1_2), List.of(st), false);
    }
}
