package io.syncgw.codec.xml;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Atomic;
import io.syncgw.codec.model.Chal;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.CommandVisitor;
import io.syncgw.codec.model.Copy;
import io.syncgw.codec.model.Cred;
import io.syncgw.codec.model.Delete;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.ItemCommand;
import io.syncgw.codec.model.ItemData;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.MapCommand;
import io.syncgw.codec.model.MapItem;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Move;
import io.syncgw.codec.model.Put;
import io.syncgw.codec.model.Replace;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Sequence;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.UnknownCommand;
import io.syncgw.codec.model.devinf.ContentTypeRef;
import io.syncgw.codec.model.devinf.CtCap;
import io.syncgw.codec.model.devinf.CtParam;
import io.syncgw.codec.model.devinf.CtProperty;
import io.syncgw.codec.model.devinf.DataStore;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.model.devinf.Ext;
import io.syncgw.codec.model.devinf.FilterCap;
import java.util.List;

/**
 * Writes SyncML messages as XML, element order as in the RepPro, MetInf and DevInf DTDs. Meta children carry their
 * own {@code xmlns="syncml:metinf"} and DevInf its {@code xmlns="syncml:devinf"} (as SyncEvolution and Funambol do),
 * so each command's bytes do not depend on its neighbours and {@link #sizeOf} is exact.
 *
 * <p>Thread-safe: no state beyond constants.
 */
public final class SyncMlXmlEncoder implements SyncMlEncoder {
    public static final String CONTENT_TYPE = "application/vnd.syncml+xml";
    static final String METINF = "syncml:metinf";
    static final String DEVINF = "syncml:devinf";
    private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(SyncMessage message) {
        XmlOutput out = new XmlOutput(1024);
        writeEnvelopeStart(out, message.header());
        for (Command c : message.commands()) {
            command(out, c);
        }
        writeEnvelopeEnd(out, message.fin());
        return out.toByteArray();
    }

    @Override
    public int envelopeSize(SyncHeader header, boolean fin) {
        XmlOutput out = new XmlOutput(512);
        writeEnvelopeStart(out, header);
        writeEnvelopeEnd(out, fin);
        return out.size();
    }

    @Override
    public int sizeOf(Command command) {
        XmlOutput out = new XmlOutput(256);
        command(out, command);
        return out.size();
    }

    /** Encodes a DevInf document on its own (what is stored for a device). */
    public byte[] encodeDevInf(DevInf devInf) {
        XmlOutput out = new XmlOutput(4096);
        devInf(out, devInf);
        return out.toByteArray();
    }

    private static void writeEnvelopeStart(XmlOutput out, SyncHeader h) {
        out.raw(DECLARATION).start("SyncML", h.version().namespace()).start("SyncHdr")
                .element("VerDTD", h.version().verDtd())
                .element("VerProto", h.version().verProto())
                .element("SessionID", h.sessionId())
                .element("MsgID", h.msgId());
        location(out, "Target", h.target());
        location(out, "Source", h.source());
        out.element("RespURI", h.respUri()).flag("NoResp", h.noResp());
        cred(out, h.cred());
        meta(out, h.meta());
        out.end("SyncHdr").start("SyncBody");
    }

    private static void writeEnvelopeEnd(XmlOutput out, boolean fin) {
        out.flag("Final", fin).end("SyncBody").end("SyncML");
    }

    private static void command(XmlOutput out, Command command) {
        command.accept(new Writer(out));
    }

    /** Writes one command; a visitor so that a new command type cannot be forgotten here. */
    private record Writer(XmlOutput out) implements CommandVisitor<Void> {
        @Override
        public Void visitStatus(Status s) {
            status(out, s);
            return null;
        }

        @Override
        public Void visitAlert(Alert a) {
            out.start("Alert").element("CmdID", a.cmdId()).flag("NoResp", a.noResp());
            cred(out, a.cred());
            out.element("Data", Integer.toString(a.code())).element("Correlator", a.correlator());
            items(out, a.items());
            out.end("Alert");
            return null;
        }

        @Override
        public Void visitAdd(Add c) {
            itemCommand(out, c);
            return null;
        }

        @Override
        public Void visitReplace(Replace c) {
            itemCommand(out, c);
            return null;
        }

        @Override
        public Void visitDelete(Delete c) {
            itemCommand(out, c);
            return null;
        }

        @Override
        public Void visitCopy(Copy c) {
            itemCommand(out, c);
            return null;
        }

        @Override
        public Void visitMove(Move c) {
            itemCommand(out, c);
            return null;
        }

        @Override
        public Void visitSync(Sync s) {
            out.start("Sync").element("CmdID", s.cmdId()).flag("NoResp", s.noResp());
            cred(out, s.cred());
            location(out, "Target", s.target());
            location(out, "Source", s.source());
            meta(out, s.meta());
            out.element("NumberOfChanges", s.numberOfChanges());
            for (Command c : s.commands()) {
                c.accept(this);
            }
            out.end("Sync");
            return null;
        }

        @Override
        public Void visitMap(MapCommand m) {
            out.start("Map").element("CmdID", m.cmdId());
            location(out, "Target", m.target());
            location(out, "Source", m.source());
            cred(out, m.cred());
            meta(out, m.meta());
            for (MapItem mi : m.items()) {
                out.start("MapItem");
                location(out, "Target", mi.target());
                location(out, "Source", mi.source());
                out.end("MapItem");
            }
            out.end("Map");
            return null;
        }

        @Override
        public Void visitGet(Get g) {
            getPut(out, "Get", g.cmdId(), g.noResp(), g.lang(), g.cred(), g.meta(), g.items());
            return null;
        }

        @Override
        public Void visitPut(Put p) {
            getPut(out, "Put", p.cmdId(), p.noResp(), p.lang(), p.cred(), p.meta(), p.items());
            return null;
        }

        @Override
        public Void visitResults(Results r) {
            out.start("Results").element("CmdID", r.cmdId()).element("MsgRef", r.msgRef())
                    .element("CmdRef", r.cmdRef());
            meta(out, r.meta());
            refs(out, "TargetRef", r.targetRefs());
            refs(out, "SourceRef", r.sourceRefs());
            items(out, r.items());
            out.end("Results");
            return null;
        }

        @Override
        public Void visitAtomic(Atomic a) {
            group(out, "Atomic", a.cmdId(), a.noResp(), a.meta(), a.commands());
            return null;
        }

        @Override
        public Void visitSequence(Sequence s) {
            group(out, "Sequence", s.cmdId(), s.noResp(), s.meta(), s.commands());
            return null;
        }

        @Override
        public Void visitUnknown(UnknownCommand u) {
            out.start(u.name()).element("CmdID", u.cmdId()).end(u.name());
            return null;
        }
    }

    private static void status(XmlOutput out, Status s) {
        out.start("Status").element("CmdID", s.cmdId()).element("MsgRef", s.msgRef()).element("CmdRef", s.cmdRef())
                .element("Cmd", s.cmd());
        refs(out, "TargetRef", s.targetRefs());
        refs(out, "SourceRef", s.sourceRefs());
        cred(out, s.cred());
        chal(out, s.chal());
        out.element("Data", Integer.toString(s.code()));
        items(out, s.items());
        out.end("Status");
    }

    private static void itemCommand(XmlOutput out, ItemCommand c) {
        out.start(c.name()).element("CmdID", c.cmdId()).flag("NoResp", c.noResp());
        if (c instanceof Delete d) {
            out.flag("Archive", d.archive()).flag("SftDel", d.softDelete());
        }
        cred(out, c.cred());
        meta(out, c.meta());
        items(out, c.items());
        out.end(c.name());
    }

    private static void getPut(XmlOutput out, String name, String cmdId, boolean noResp, String lang, Cred cred,
                               Meta meta, List<Item> items) {
        out.start(name).element("CmdID", cmdId).flag("NoResp", noResp).element("Lang", lang);
        cred(out, cred);
        meta(out, meta);
        items(out, items);
        out.end(name);
    }

    private static void group(XmlOutput out, String name, String cmdId, boolean noResp, Meta meta,
                              List<Command> commands) {
        out.start(name).element("CmdID", cmdId).flag("NoResp", noResp);
        meta(out, meta);
        for (Command c : commands) {
            command(out, c);
        }
        out.end(name);
    }

    private static void refs(XmlOutput out, String name, List<String> refs) {
        for (String r : refs) {
            out.element(name, r);
        }
    }

    private static void location(XmlOutput out, String name, Location l) {
        if (l != null) {
            out.start(name).element("LocURI", l.locUri()).element("LocName", l.locName()).end(name);
        }
    }

    private static void cred(XmlOutput out, Cred c) {
        if (c != null) {
            out.start("Cred");
            meta(out, c.meta());
            out.element("Data", c.data()).end("Cred");
        }
    }

    private static void chal(XmlOutput out, Chal c) {
        if (c != null) {
            out.start("Chal");
            meta(out, c.meta());
            out.end("Chal");
        }
    }

    private static void meta(XmlOutput out, Meta m) {
        if (m == null || m.isEmpty()) {
            return;
        }
        out.start("Meta");
        metaContent(out, m);
        out.end("Meta");
    }

    private static void metaContent(XmlOutput out, Meta m) {
        out.element("Format", METINF, m.format())
                .element("Type", METINF, m.type())
                .element("Mark", METINF, m.mark());
        if (m.size() != null) {
            out.element("Size", METINF, m.size().toString());
        }
        anchor(out, m.anchor());
        out.element("Version", METINF, m.version()).element("NextNonce", METINF, m.nextNonce());
        if (m.maxMsgSize() != null) {
            out.element("MaxMsgSize", METINF, m.maxMsgSize().toString());
        }
        if (m.maxObjSize() != null) {
            out.element("MaxObjSize", METINF, m.maxObjSize().toString());
        }
        for (String e : m.emi()) {
            out.element("EMI", METINF, e);
        }
    }

    private static void anchor(XmlOutput out, Anchor a) {
        if (a != null) {
            out.start("Anchor", METINF).element("Last", a.last()).element("Next", a.next()).end("Anchor");
        }
    }

    private static void items(XmlOutput out, List<Item> items) {
        for (Item i : items) {
            out.start("Item");
            location(out, "Target", i.target());
            location(out, "Source", i.source());
            if (i.sourceParent() != null) {
                out.start("SourceParent").element("LocURI", i.sourceParent()).end("SourceParent");
            }
            if (i.targetParent() != null) {
                out.start("TargetParent").element("LocURI", i.targetParent()).end("TargetParent");
            }
            meta(out, i.meta());
            if (i.data() != null) {
                out.start("Data");
                ItemData data = i.data();
                if (data instanceof ItemData.Text t) {
                    out.payload(t.value());
                } else if (data instanceof ItemData.DevInfData d) {
                    devInf(out, d.devInf());
                } else if (data instanceof ItemData.AnchorData a) {
                    anchor(out, a.anchor());
                }
                out.end("Data");
            }
            out.flag("MoreData", i.moreData()).end("Item");
        }
    }

    private static void devInf(XmlOutput out, DevInf d) {
        out.start("DevInf", DEVINF).element("VerDTD", d.verDtd()).element("Man", d.man()).element("Mod", d.mod())
                .element("OEM", d.oem()).element("FwV", d.fwV()).element("SwV", d.swV()).element("HwV", d.hwV())
                .element("DevID", d.devId()).element("DevTyp", d.devTyp()).flag("UTC", d.utc())
                .flag("SupportLargeObjs", d.supportLargeObjs())
                .flag("SupportNumberOfChanges", d.supportNumberOfChanges());
        for (DataStore ds : d.dataStores()) {
            dataStore(out, ds);
        }
        if (!d.ctCaps().isEmpty()) {
            // DevInf 1.0/1.1 form: one CTCap element holding the flat property lists of every type
            out.start("CTCap");
            for (CtCap c : d.ctCaps()) {
                flatCtCap(out, c);
            }
            out.end("CTCap");
        }
        for (Ext e : d.exts()) {
            out.start("Ext").element("XNam", e.xNam());
            for (String v : e.xVals()) {
                out.element("XVal", v);
            }
            out.end("Ext");
        }
        out.end("DevInf");
    }

    private static void dataStore(XmlOutput out, DataStore ds) {
        out.start("DataStore").element("SourceRef", ds.sourceRef()).element("DisplayName", ds.displayName())
                .element("MaxGUIDSize", ds.maxGuidSize());
        ctRef(out, "Rx-Pref", ds.rxPref());
        for (ContentTypeRef r : ds.rx()) {
            ctRef(out, "Rx", r);
        }
        ctRef(out, "Tx-Pref", ds.txPref());
        for (ContentTypeRef r : ds.tx()) {
            ctRef(out, "Tx", r);
        }
        for (CtCap c : ds.ctCaps()) {
            out.start("CTCap").element("CTType", c.ctType()).element("VerCT", c.verCt()).flag("FieldLevel", c.fieldLevel());
            for (CtProperty p : c.properties()) {
                out.start("Property").element("PropName", p.name()).element("DataType", p.dataType())
                        .element("MaxOccur", p.maxOccur()).element("MaxSize", p.maxSize())
                        .flag("NoTruncate", p.noTruncate());
                for (String v : p.valEnums()) {
                    out.element("ValEnum", v);
                }
                out.element("DisplayName", p.displayName());
                for (CtParam pp : p.params()) {
                    out.start("PropParam").element("ParamName", pp.name()).element("DataType", pp.dataType());
                    for (String v : pp.valEnums()) {
                        out.element("ValEnum", v);
                    }
                    out.element("DisplayName", pp.displayName()).end("PropParam");
                }
                out.end("Property");
            }
            out.end("CTCap");
        }
        if (ds.dsMem() != null) {
            out.start("DSMem").flag("SharedMem", ds.dsMem().sharedMem()).element("MaxMem", ds.dsMem().maxMem())
                    .element("MaxID", ds.dsMem().maxId()).end("DSMem");
        }
        out.flag("SupportHierarchicalSync", ds.supportHierarchicalSync());
        if (!ds.syncTypes().isEmpty()) {
            out.start("SyncCap");
            for (String t : ds.syncTypes()) {
                out.element("SyncType", t);
            }
            out.end("SyncCap");
        }
        for (ContentTypeRef r : ds.filterRx()) {
            ctRef(out, "Filter-Rx", r);
        }
        for (FilterCap f : ds.filterCaps()) {
            out.start("FilterCap").element("CTType", f.ctType()).element("VerCT", f.verCt());
            for (String k : f.filterKeywords()) {
                out.element("FilterKeyword", k);
            }
            for (String p : f.propNames()) {
                out.element("PropName", p);
            }
            out.end("FilterCap");
        }
        out.end("DataStore");
    }

    private static void flatCtCap(XmlOutput out, CtCap c) {
        out.element("CTType", c.ctType());
        for (CtProperty p : c.properties()) {
            out.element("PropName", p.name());
            for (String v : p.valEnums()) {
                out.element("ValEnum", v);
            }
            out.element("DataType", p.dataType()).element("Size", p.maxSize()).element("DisplayName", p.displayName());
            for (CtParam pp : p.params()) {
                out.element("ParamName", pp.name());
                for (String v : pp.valEnums()) {
                    out.element("ValEnum", v);
                }
                out.element("DataType", pp.dataType()).element("DisplayName", pp.displayName());
            }
        }
    }

    private static void ctRef(XmlOutput out, String name, ContentTypeRef r) {
        if (r != null) {
            out.start(name).element("CTType", r.ctType()).element("VerCT", r.verCt()).end(name);
        }
    }
}
