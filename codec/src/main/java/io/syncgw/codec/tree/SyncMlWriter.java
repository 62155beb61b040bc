package io.syncgw.codec.tree;

import static io.syncgw.codec.tree.Vocabulary.DEVINF;
import static io.syncgw.codec.tree.Vocabulary.METINF;
import static io.syncgw.codec.tree.Vocabulary.SYNCML;

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
 * Which elements a SyncML message consists of, in which order (RepPro, MetInf and DevInf DTDs), written to any
 * {@link ElementSink}. The XML and the WBXML encoder both run this, so they write the same structure; they differ
 * only in their sink. Absent optional components (null, empty lists) write nothing.
 *
 * <p><b>Internal</b> to the codec. Stateless and thread-safe.
 */
public final class SyncMlWriter {
    private SyncMlWriter() {
    }

    /** Everything of a message before its commands: root, {@code SyncHdr}, and the opening {@code SyncBody}. */
    public static void envelopeStart(ElementSink out, SyncHeader h) {
        out.startMessage(h.version());
        out.start(SYNCML, "SyncHdr");
        element(out, SYNCML, "VerDTD", h.version().verDtd());
        element(out, SYNCML, "VerProto", h.version().verProto());
        element(out, SYNCML, "SessionID", h.sessionId());
        element(out, SYNCML, "MsgID", h.msgId());
        location(out, "Target", h.target());
        location(out, "Source", h.source());
        element(out, SYNCML, "RespURI", h.respUri());
        flag(out, SYNCML, "NoResp", h.noResp());
        cred(out, h.cred());
        meta(out, h.meta());
        out.end();
        out.start(SYNCML, "SyncBody");
    }

    /** Everything of a message after its commands: {@code Final} when {@code fin}, and the closing tags. */
    public static void envelopeEnd(ElementSink out, boolean fin) {
        flag(out, SYNCML, "Final", fin);
        out.end();
        out.end();
    }

    /** One command of a message body (nested commands of Sync, Atomic and Sequence included). */
    public static void command(ElementSink out, Command command) {
        command.accept(new Writer(out));
    }

    /** A DevInf document: the {@code DevInf} element and everything in it. */
    public static void devInf(ElementSink out, DevInf d) {
        out.start(DEVINF, "DevInf");
        element(out, DEVINF, "VerDTD", d.verDtd());
        element(out, DEVINF, "Man", d.man());
        element(out, DEVINF, "Mod", d.mod());
        element(out, DEVINF, "OEM", d.oem());
        element(out, DEVINF, "FwV", d.fwV());
        element(out, DEVINF, "SwV", d.swV());
        element(out, DEVINF, "HwV", d.hwV());
        element(out, DEVINF, "DevID", d.devId());
        element(out, DEVINF, "DevTyp", d.devTyp());
        flag(out, DEVINF, "UTC", d.utc());
        flag(out, DEVINF, "SupportLargeObjs", d.supportLargeObjs());
        flag(out, DEVINF, "SupportNumberOfChanges", d.supportNumberOfChanges());
        for (DataStore ds : d.dataStores()) {
            dataStore(out, ds);
        }
        if (!d.ctCaps().isEmpty()) {
            // DevInf 1.0/1.1 form: one CTCap element holding the flat property lists of every type
            out.start(DEVINF, "CTCap");
            for (CtCap c : d.ctCaps()) {
                flatCtCap(out, c);
            }
            out.end();
        }
        for (Ext e : d.exts()) {
            out.start(DEVINF, "Ext");
            element(out, DEVINF, "XNam", e.xNam());
            for (String v : e.xVals()) {
                element(out, DEVINF, "XVal", v);
            }
            out.end();
        }
        out.end();
    }

    /** Writes one command; a visitor so that a new command type cannot be forgotten here. */
    private record Writer(ElementSink out) implements CommandVisitor<Void> {
        @Override
        public Void visitStatus(Status s) {
            out.start(SYNCML, "Status");
            element(out, SYNCML, "CmdID", s.cmdId());
            element(out, SYNCML, "MsgRef", s.msgRef());
            element(out, SYNCML, "CmdRef", s.cmdRef());
            element(out, SYNCML, "Cmd", s.cmd());
            refs(out, "TargetRef", s.targetRefs());
            refs(out, "SourceRef", s.sourceRefs());
            cred(out, s.cred());
            chal(out, s.chal());
            element(out, SYNCML, "Data", Integer.toString(s.code()));
            items(out, s.items());
            out.end();
            return null;
        }

        @Override
        public Void visitAlert(Alert a) {
            out.start(SYNCML, "Alert");
            element(out, SYNCML, "CmdID", a.cmdId());
            flag(out, SYNCML, "NoResp", a.noResp());
            cred(out, a.cred());
            element(out, SYNCML, "Data", Integer.toString(a.code()));
            element(out, SYNCML, "Correlator", a.correlator());
            items(out, a.items());
            out.end();
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
            out.start(SYNCML, "Sync");
            element(out, SYNCML, "CmdID", s.cmdId());
            flag(out, SYNCML, "NoResp", s.noResp());
            cred(out, s.cred());
            location(out, "Target", s.target());
            location(out, "Source", s.source());
            meta(out, s.meta());
            element(out, SYNCML, "NumberOfChanges", s.numberOfChanges());
            for (Command c : s.commands()) {
                c.accept(this);
            }
            out.end();
            return null;
        }

        @Override
        public Void visitMap(MapCommand m) {
            out.start(SYNCML, "Map");
            element(out, SYNCML, "CmdID", m.cmdId());
            location(out, "Target", m.target());
            location(out, "Source", m.source());
            cred(out, m.cred());
            meta(out, m.meta());
            for (MapItem mi : m.items()) {
                out.start(SYNCML, "MapItem");
                location(out, "Target", mi.target());
                location(out, "Source", mi.source());
                out.end();
            }
            out.end();
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
            out.start(SYNCML, "Results");
            element(out, SYNCML, "CmdID", r.cmdId());
            element(out, SYNCML, "MsgRef", r.msgRef());
            element(out, SYNCML, "CmdRef", r.cmdRef());
            meta(out, r.meta());
            refs(out, "TargetRef", r.targetRefs());
            refs(out, "SourceRef", r.sourceRefs());
            items(out, r.items());
            out.end();
            return null;
        }

        @Override
        public Void visitAtomic(Atomic a) {
            group(this, "Atomic", a.cmdId(), a.noResp(), a.meta(), a.commands());
            return null;
        }

        @Override
        public Void visitSequence(Sequence s) {
            group(this, "Sequence", s.cmdId(), s.noResp(), s.meta(), s.commands());
            return null;
        }

        @Override
        public Void visitUnknown(UnknownCommand u) {
            out.start(SYNCML, u.name());
            element(out, SYNCML, "CmdID", u.cmdId());
            out.end();
            return null;
        }
    }

    private static void itemCommand(ElementSink out, ItemCommand c) {
        out.start(SYNCML, c.name());
        element(out, SYNCML, "CmdID", c.cmdId());
        flag(out, SYNCML, "NoResp", c.noResp());
        if (c instanceof Delete d) {
            flag(out, SYNCML, "Archive", d.archive());
            flag(out, SYNCML, "SftDel", d.softDelete());
        }
        cred(out, c.cred());
        meta(out, c.meta());
        items(out, c.items());
        out.end();
    }

    private static void getPut(ElementSink out, String name, String cmdId, boolean noResp, String lang, Cred cred,
                               Meta meta, List<Item> items) {
        out.start(SYNCML, name);
        element(out, SYNCML, "CmdID", cmdId);
        flag(out, SYNCML, "NoResp", noResp);
        element(out, SYNCML, "Lang", lang);
        cred(out, cred);
        meta(out, meta);
        items(out, items);
        out.end();
    }

    private static void group(Writer w, String name, String cmdId, boolean noResp, Meta meta, List<Command> commands) {
        ElementSink out = w.out();
        out.start(SYNCML, name);
        element(out, SYNCML, "CmdID", cmdId);
        flag(out, SYNCML, "NoResp", noResp);
        meta(out, meta);
        for (Command c : commands) {
            c.accept(w);
        }
        out.end();
    }

    private static void refs(ElementSink out, String name, List<String> refs) {
        for (String r : refs) {
            element(out, SYNCML, name, r);
        }
    }

    private static void location(ElementSink out, String name, Location l) {
        if (l != null) {
            out.start(SYNCML, name);
            element(out, SYNCML, "LocURI", l.locUri());
            element(out, SYNCML, "LocName", l.locName());
            out.end();
        }
    }

    private static void cred(ElementSink out, Cred c) {
        if (c != null) {
            out.start(SYNCML, "Cred");
            meta(out, c.meta());
            element(out, SYNCML, "Data", c.data());
            out.end();
        }
    }

    private static void chal(ElementSink out, Chal c) {
        if (c != null) {
            out.start(SYNCML, "Chal");
            meta(out, c.meta());
            out.end();
        }
    }

    private static void meta(ElementSink out, Meta m) {
        if (m == null || m.isEmpty()) {
            return;
        }
        out.start(SYNCML, "Meta");
        element(out, METINF, "Format", m.format());
        element(out, METINF, "Type", m.type());
        element(out, METINF, "Mark", m.mark());
        element(out, METINF, "Size", m.size());
        anchor(out, m.anchor());
        element(out, METINF, "Version", m.version());
        element(out, METINF, "NextNonce", m.nextNonce());
        element(out, METINF, "MaxMsgSize", m.maxMsgSize());
        element(out, METINF, "MaxObjSize", m.maxObjSize());
        for (String e : m.emi()) {
            element(out, METINF, "EMI", e);
        }
        out.end();
    }

    private static void anchor(ElementSink out, Anchor a) {
        if (a != null) {
            out.start(METINF, "Anchor");
            element(out, METINF, "Last", a.last());
            element(out, METINF, "Next", a.next());
            out.end();
        }
    }

    private static void items(ElementSink out, List<Item> items) {
        for (Item i : items) {
            out.start(SYNCML, "Item");
            location(out, "Target", i.target());
            location(out, "Source", i.source());
            if (i.sourceParent() != null) {
                out.start(SYNCML, "SourceParent");
                element(out, SYNCML, "LocURI", i.sourceParent());
                out.end();
            }
            if (i.targetParent() != null) {
                out.start(SYNCML, "TargetParent");
                element(out, SYNCML, "LocURI", i.targetParent());
                out.end();
            }
            meta(out, i.meta());
            if (i.data() != null) {
                out.start(SYNCML, "Data");
                ItemData data = i.data();
                if (data instanceof ItemData.Text t) {
                    out.payload(t.value());
                } else if (data instanceof ItemData.DevInfData d) {
                    out.devInfDocument(d.devInf(), sink -> devInf(sink, d.devInf()));
                } else if (data instanceof ItemData.AnchorData a) {
                    anchor(out, a.anchor());
                }
                out.end();
            }
            flag(out, SYNCML, "MoreData", i.moreData());
            out.end();
        }
    }

    private static void dataStore(ElementSink out, DataStore ds) {
        out.start(DEVINF, "DataStore");
        element(out, DEVINF, "SourceRef", ds.sourceRef());
        element(out, DEVINF, "DisplayName", ds.displayName());
        element(out, DEVINF, "MaxGUIDSize", ds.maxGuidSize());
        ctRef(out, "Rx-Pref", ds.rxPref());
        for (ContentTypeRef r : ds.rx()) {
            ctRef(out, "Rx", r);
        }
        ctRef(out, "Tx-Pref", ds.txPref());
        for (ContentTypeRef r : ds.tx()) {
            ctRef(out, "Tx", r);
        }
        for (CtCap c : ds.ctCaps()) {
            out.start(DEVINF, "CTCap");
            element(out, DEVINF, "CTType", c.ctType());
            element(out, DEVINF, "VerCT", c.verCt());
            flag(out, DEVINF, "FieldLevel", c.fieldLevel());
            for (CtProperty p : c.properties()) {
                out.start(DEVINF, "Property");
                element(out, DEVINF, "PropName", p.name());
                element(out, DEVINF, "DataType", p.dataType());
                element(out, DEVINF, "MaxOccur", p.maxOccur());
                element(out, DEVINF, "MaxSize", p.maxSize());
                flag(out, DEVINF, "NoTruncate", p.noTruncate());
                for (String v : p.valEnums()) {
                    element(out, DEVINF, "ValEnum", v);
                }
                element(out, DEVINF, "DisplayName", p.displayName());
                for (CtParam pp : p.params()) {
                    out.start(DEVINF, "PropParam");
                    element(out, DEVINF, "ParamName", pp.name());
                    element(out, DEVINF, "DataType", pp.dataType());
                    for (String v : pp.valEnums()) {
                        element(out, DEVINF, "ValEnum", v);
                    }
                    element(out, DEVINF, "DisplayName", pp.displayName());
                    out.end();
                }
                out.end();
            }
            out.end();
        }
        if (ds.dsMem() != null) {
            out.start(DEVINF, "DSMem");
            flag(out, DEVINF, "SharedMem", ds.dsMem().sharedMem());
            element(out, DEVINF, "MaxMem", ds.dsMem().maxMem());
            element(out, DEVINF, "MaxID", ds.dsMem().maxId());
            out.end();
        }
        flag(out, DEVINF, "SupportHierarchicalSync", ds.supportHierarchicalSync());
        if (!ds.syncTypes().isEmpty()) {
            out.start(DEVINF, "SyncCap");
            for (String t : ds.syncTypes()) {
                element(out, DEVINF, "SyncType", t);
            }
            out.end();
        }
        for (ContentTypeRef r : ds.filterRx()) {
            ctRef(out, "Filter-Rx", r);
        }
        for (FilterCap f : ds.filterCaps()) {
            out.start(DEVINF, "FilterCap");
            element(out, DEVINF, "CTType", f.ctType());
            element(out, DEVINF, "VerCT", f.verCt());
            for (String k : f.filterKeywords()) {
                element(out, DEVINF, "FilterKeyword", k);
            }
            for (String p : f.propNames()) {
                element(out, DEVINF, "PropName", p);
            }
            out.end();
        }
        out.end();
    }

    private static void flatCtCap(ElementSink out, CtCap c) {
        element(out, DEVINF, "CTType", c.ctType());
        for (CtProperty p : c.properties()) {
            element(out, DEVINF, "PropName", p.name());
            for (String v : p.valEnums()) {
                element(out, DEVINF, "ValEnum", v);
            }
            element(out, DEVINF, "DataType", p.dataType());
            element(out, DEVINF, "Size", p.maxSize());
            element(out, DEVINF, "DisplayName", p.displayName());
            for (CtParam pp : p.params()) {
                element(out, DEVINF, "ParamName", pp.name());
                for (String v : pp.valEnums()) {
                    element(out, DEVINF, "ValEnum", v);
                }
                element(out, DEVINF, "DataType", pp.dataType());
                element(out, DEVINF, "DisplayName", pp.displayName());
            }
        }
    }

    private static void ctRef(ElementSink out, String name, ContentTypeRef r) {
        if (r != null) {
            out.start(DEVINF, name);
            element(out, DEVINF, "CTType", r.ctType());
            element(out, DEVINF, "VerCT", r.verCt());
            out.end();
        }
    }

    /** {@code <name>text</name>}, nothing when text is null. */
    private static void element(ElementSink out, Vocabulary v, String name, String text) {
        if (text != null) {
            out.start(v, name);
            out.text(text);
            out.end();
        }
    }

    private static void element(ElementSink out, Vocabulary v, String name, Number value) {
        if (value != null) {
            element(out, v, name, value.toString());
        }
    }

    private static void flag(ElementSink out, Vocabulary v, String name, boolean present) {
        if (present) {
            out.empty(v, name);
        }
    }
}
