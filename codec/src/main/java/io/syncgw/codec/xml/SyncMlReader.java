package io.syncgw.codec.xml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.model.Add;
import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.Anchor;
import io.syncgw.codec.model.Atomic;
import io.syncgw.codec.model.Chal;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Copy;
import io.syncgw.codec.model.Cred;
import io.syncgw.codec.model.Delete;
import io.syncgw.codec.model.Get;
import io.syncgw.codec.model.Item;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a decoded element tree to the SyncML model. A tolerant reader: unknown elements are skipped (devices send
 * vendor extensions), namespaces are ignored (devices get them wrong), but what the model requires (VerDTD, SessionID,
 * MsgID, Target, Source, CmdID, numeric codes) must be present.
 */
final class SyncMlReader {
    private final DecoderLimits limits;
    private int commands;
    private int items;

    private SyncMlReader(DecoderLimits limits) {
        this.limits = limits;
    }

    static DecodeResult read(XmlNode root, DecoderLimits limits) {
        try {
            return new DecodeResult.Complete(new SyncMlReader(limits).message(root));
        } catch (Bad b) {
            return new DecodeResult.Malformed(b.problem, b.getMessage(), -1);
        }
    }

    /** Reads a stand-alone DevInf document (stored device information). */
    static DevInf readDevInf(XmlNode root) {
        if (!root.name.equals("DevInf")) {
            throw new Bad(Problem.STRUCTURE, "root element is <" + root.name + ">, not <DevInf>");
        }
        return devInf(root);
    }

    private SyncMessage message(XmlNode root) {
        if (!root.name.equals("SyncML")) {
            throw new Bad(Problem.STRUCTURE, "root element is <" + root.name + ">, not <SyncML>");
        }
        XmlNode hdr = required(root, "SyncHdr");
        XmlNode body = required(root, "SyncBody");
        SyncHeader header = header(hdr);
        List<Command> cmds = new ArrayList<>();
        boolean fin = false;
        for (XmlNode c : body.children()) {
            if (c.name.equals("Final")) {
                fin = true;
            } else {
                cmds.add(command(c));
            }
        }
        return new SyncMessage(header, cmds, fin);
    }

    private static SyncHeader header(XmlNode h) {
        String verDtd = requiredText(h, "VerDTD");
        SyncMlVersion version = SyncMlVersion.ofVerDtd(verDtd)
                .orElseThrow(() -> new Bad(Problem.VERSION, "unsupported SyncML version " + verDtd));
        return new SyncHeader(version, requiredText(h, "SessionID"), requiredText(h, "MsgID"),
                requiredLocation(h, "Target"), requiredLocation(h, "Source"), h.childText("RespURI"), h.has("NoResp"),
                cred(h.child("Cred")), meta(h.child("Meta")));
    }

    private Command command(XmlNode c) {
        if (++commands > limits.maxCommands()) {
            throw new Bad(Problem.LIMIT, "more than " + limits.maxCommands() + " commands");
        }
        return switch (c.name) {
            case "Status" -> new Status(requiredText(c, "CmdID"), requiredText(c, "MsgRef"), requiredText(c, "CmdRef"),
                    requiredText(c, "Cmd"), c.allTexts("TargetRef"), c.allTexts("SourceRef"), cred(c.child("Cred")),
                    chal(c.child("Chal")), number(requiredText(c, "Data"), "Status/Data"), items(c));
            case "Alert" -> new Alert(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")),
                    number(requiredText(c, "Data"), "Alert/Data"), c.childText("Correlator"), items(c));
            case "Add" -> new Add(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")), meta(c.child("Meta")),
                    items(c));
            case "Replace" -> new Replace(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")),
                    meta(c.child("Meta")), items(c));
            case "Copy" -> new Copy(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")),
                    meta(c.child("Meta")), items(c));
            case "Move" -> new Move(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")),
                    meta(c.child("Meta")), items(c));
            case "Delete" -> new Delete(requiredText(c, "CmdID"), c.has("NoResp"), c.has("Archive"), c.has("SftDel"),
                    cred(c.child("Cred")), meta(c.child("Meta")), items(c));
            case "Get" -> new Get(requiredText(c, "CmdID"), c.has("NoResp"), c.childText("Lang"), cred(c.child("Cred")),
                    meta(c.child("Meta")), items(c));
            case "Put" -> new Put(requiredText(c, "CmdID"), c.has("NoResp"), c.childText("Lang"), cred(c.child("Cred")),
                    meta(c.child("Meta")), items(c));
            case "Results" -> new Results(requiredText(c, "CmdID"), c.childText("MsgRef"), requiredText(c, "CmdRef"),
                    meta(c.child("Meta")), c.allTexts("TargetRef"), c.allTexts("SourceRef"), items(c));
            case "Sync" -> new Sync(requiredText(c, "CmdID"), c.has("NoResp"), cred(c.child("Cred")),
                    location(c.child("Target")), location(c.child("Source")), meta(c.child("Meta")),
                    c.has("NumberOfChanges") ? number(c.childText("NumberOfChanges"), "NumberOfChanges") : null,
                    nested(c));
            case "Map" -> new MapCommand(requiredText(c, "CmdID"), requiredLocation(c, "Target"),
                    requiredLocation(c, "Source"), cred(c.child("Cred")), meta(c.child("Meta")), mapItems(c));
            case "Atomic" -> new Atomic(requiredText(c, "CmdID"), c.has("NoResp"), meta(c.child("Meta")), nested(c));
            case "Sequence" -> new Sequence(requiredText(c, "CmdID"), c.has("NoResp"), meta(c.child("Meta")), nested(c));
            default -> new UnknownCommand(c.name, c.childText("CmdID") == null ? "" : c.childText("CmdID"));
        };
    }

    private static final java.util.Set<String> NON_COMMANDS = java.util.Set.of(
            "CmdID", "NoResp", "Cred", "Target", "Source", "Meta", "NumberOfChanges");

    /** The commands inside Sync, Atomic and Sequence. */
    private List<Command> nested(XmlNode parent) {
        List<Command> out = new ArrayList<>();
        for (XmlNode c : parent.children()) {
            if (!NON_COMMANDS.contains(c.name)) {
                out.add(command(c));
            }
        }
        return out;
    }

    private List<Item> items(XmlNode cmd) {
        List<Item> out = new ArrayList<>(1);
        for (XmlNode i : cmd.children()) {
            if (i.name.equals("Item")) {
                if (++items > limits.maxItems()) {
                    throw new Bad(Problem.LIMIT, "more than " + limits.maxItems() + " items");
                }
                out.add(item(i));
            }
        }
        return out;
    }

    private static Item item(XmlNode i) {
        XmlNode sp = i.child("SourceParent");
        XmlNode tp = i.child("TargetParent");
        return new Item(location(i.child("Target")), location(i.child("Source")),
                sp == null ? null : sp.childText("LocURI"), tp == null ? null : tp.childText("LocURI"),
                i.has("Meta") ? meta(i.child("Meta")) : null, data(i.child("Data")), i.has("MoreData"));
    }

    private static ItemData data(XmlNode d) {
        if (d == null) {
            return null;
        }
        XmlNode devInf = d.child("DevInf");
        if (devInf != null) {
            return new ItemData.DevInfData(devInf(devInf));
        }
        XmlNode anchor = d.child("Anchor");
        if (anchor != null) {
            return new ItemData.AnchorData(anchor(anchor));
        }
        return new ItemData.Text(d.text());
    }

    private static List<MapItem> mapItems(XmlNode m) {
        List<MapItem> out = new ArrayList<>();
        for (XmlNode mi : m.all("MapItem")) {
            out.add(new MapItem(requiredLocation(mi, "Target"), requiredLocation(mi, "Source")));
        }
        return out;
    }

    private static Cred cred(XmlNode c) {
        if (c == null) {
            return null;
        }
        String data = c.childText("Data");
        return new Cred(meta(c.child("Meta")), data == null ? "" : data);
    }

    private static Chal chal(XmlNode c) {
        return c == null ? null : new Chal(meta(c.child("Meta")));
    }

    private static Meta meta(XmlNode m) {
        if (m == null) {
            return Meta.EMPTY;
        }
        XmlNode anchor = m.child("Anchor");
        return new Meta(m.childText("Format"), m.childText("Type"), m.childText("Mark"), longOrNull(m, "Size"),
                anchor == null ? null : anchor(anchor), m.childText("Version"), m.childText("NextNonce"),
                longOrNull(m, "MaxMsgSize"), longOrNull(m, "MaxObjSize"), m.allTexts("EMI"));
    }

    private static Anchor anchor(XmlNode a) {
        return new Anchor(a.childText("Last"), a.childText("Next"));
    }

    private static Location location(XmlNode l) {
        if (l == null) {
            return null;
        }
        String uri = l.childText("LocURI");
        return new Location(uri == null ? "" : uri, l.childText("LocName"));
    }

    private static Location requiredLocation(XmlNode parent, String name) {
        XmlNode l = parent.child(name);
        if (l == null || l.childText("LocURI") == null) {
            throw new Bad(Problem.STRUCTURE, "<" + parent.name + "> lacks <" + name + "><LocURI>");
        }
        return location(l);
    }

    // --- DevInf ---

    private static DevInf devInf(XmlNode d) {
        List<DataStore> stores = new ArrayList<>();
        for (XmlNode ds : d.all("DataStore")) {
            stores.add(dataStore(ds));
        }
        List<CtCap> caps = new ArrayList<>();
        for (XmlNode c : d.all("CTCap")) {
            if (c.has("Property")) {
                caps.add(ctCap(c));
            } else {
                caps.addAll(flatCtCaps(c));
            }
        }
        List<Ext> exts = new ArrayList<>();
        for (XmlNode e : d.all("Ext")) {
            exts.add(new Ext(e.childText("XNam"), e.allTexts("XVal")));
        }
        return new DevInf(d.childText("VerDTD"), d.childText("Man"), d.childText("Mod"), d.childText("OEM"),
                d.childText("FwV"), d.childText("SwV"), d.childText("HwV"), d.childText("DevID"), d.childText("DevTyp"),
                d.has("UTC"), d.has("SupportLargeObjs"), d.has("SupportNumberOfChanges"), stores, caps, exts);
    }

    private static DataStore dataStore(XmlNode ds) {
        List<CtCap> caps = new ArrayList<>();
        for (XmlNode c : ds.all("CTCap")) {
            caps.add(ctCap(c));
        }
        XmlNode mem = ds.child("DSMem");
        XmlNode syncCap = ds.child("SyncCap");
        List<FilterCap> filterCaps = new ArrayList<>();
        for (XmlNode f : ds.all("FilterCap")) {
            filterCaps.add(new FilterCap(f.childText("CTType"), f.childText("VerCT"), f.allTexts("FilterKeyword"),
                    f.allTexts("PropName")));
        }
        return new DataStore(ds.childText("SourceRef"), ds.childText("DisplayName"), intOrNull(ds, "MaxGUIDSize"),
                ctRef(ds.child("Rx-Pref")), ctRefs(ds, "Rx"), ctRef(ds.child("Tx-Pref")), ctRefs(ds, "Tx"), caps,
                mem == null ? null : new DsMem(mem.has("SharedMem"), longOrNull(mem, "MaxMem"), longOrNull(mem, "MaxID")),
                ds.has("SupportHierarchicalSync"), syncCap == null ? List.of() : syncCap.allTexts("SyncType"),
                ctRefs(ds, "Filter-Rx"), filterCaps);
    }

    /** DevInf 1.2 CTCap: CTType, VerCT, FieldLevel?, Property+. */
    private static CtCap ctCap(XmlNode c) {
        List<CtProperty> props = new ArrayList<>();
        for (XmlNode p : c.all("Property")) {
            List<CtParam> params = new ArrayList<>();
            for (XmlNode pp : p.all("PropParam")) {
                params.add(new CtParam(pp.childText("ParamName"), pp.childText("DataType"), pp.allTexts("ValEnum"),
                        pp.childText("DisplayName")));
            }
            props.add(new CtProperty(p.childText("PropName"), p.childText("DataType"), intOrNull(p, "MaxOccur"),
                    intOrNull(p, "MaxSize"), p.has("NoTruncate"), p.allTexts("ValEnum"), p.childText("DisplayName"),
                    params));
        }
        return new CtCap(c.childText("CTType"), c.childText("VerCT"), c.has("FieldLevel"), props);
    }

    /**
     * DevInf 1.0/1.1 CTCap: a flat sequence {@code (CTType, (PropName, ValEnum*, DataType?, Size?, DisplayName?,
     * (ParamName, ValEnum*, DataType?, Size?, DisplayName?)*)*)+}, regrouped here by the element that opens each group.
     */
    private static List<CtCap> flatCtCaps(XmlNode c) {
        List<CtCap> out = new ArrayList<>();
        FlatCap cap = null;
        FlatProp prop = null;
        FlatParam param = null;
        for (XmlNode n : c.children()) {
            String v = n.text().trim();
            switch (n.name) {
                case "CTType" -> {
                    if (cap != null) {
                        out.add(cap.build());
                    }
                    cap = new FlatCap(v);
                    prop = null;
                    param = null;
                }
                case "PropName" -> {
                    if (cap == null) {
                        throw new Bad(Problem.STRUCTURE, "CTCap PropName before CTType");
                    }
                    prop = new FlatProp(v);
                    cap.props.add(prop);
                    param = null;
                }
                case "ParamName" -> {
                    if (prop == null) {
                        throw new Bad(Problem.STRUCTURE, "CTCap ParamName before PropName");
                    }
                    param = new FlatParam(v);
                    prop.params.add(param);
                }
                case "ValEnum" -> {
                    if (param != null) {
                        param.valEnums.add(v);
                    } else if (prop != null) {
                        prop.valEnums.add(v);
                    }
                }
                case "DataType" -> {
                    if (param != null) {
                        param.dataType = v;
                    } else if (prop != null) {
                        prop.dataType = v;
                    }
                }
                case "Size" -> {
                    if (param == null && prop != null) {
                        prop.size = number(v, "CTCap/Size");
                    }
                }
                case "DisplayName" -> {
                    if (param != null) {
                        param.displayName = v;
                    } else if (prop != null) {
                        prop.displayName = v;
                    }
                }
                default -> {
                    // tolerant reader: skip vendor elements
                }
            }
        }
        if (cap != null) {
            out.add(cap.build());
        }
        return out;
    }

    private static final class FlatCap {
        final String ctType;
        final List<FlatProp> props = new ArrayList<>();

        FlatCap(String ctType) {
            this.ctType = ctType;
        }

        CtCap build() {
            return new CtCap(ctType, null, false, props.stream().map(FlatProp::build).toList());
        }
    }

    private static final class FlatProp {
        final String name;
        final List<String> valEnums = new ArrayList<>();
        final List<FlatParam> params = new ArrayList<>();
        String dataType;
        Integer size;
        String displayName;

        FlatProp(String name) {
            this.name = name;
        }

        CtProperty build() {
            return new CtProperty(name, dataType, null, size, false, valEnums, displayName,
                    params.stream().map(FlatParam::build).toList());
        }
    }

    private static final class FlatParam {
        final String name;
        final List<String> valEnums = new ArrayList<>();
        String dataType;
        String displayName;

        FlatParam(String name) {
            this.name = name;
        }

        CtParam build() {
            return new CtParam(name, dataType, valEnums, displayName);
        }
    }

    private static ContentTypeRef ctRef(XmlNode r) {
        return r == null ? null : new ContentTypeRef(r.childText("CTType"), r.childText("VerCT"));
    }

    private static List<ContentTypeRef> ctRefs(XmlNode parent, String name) {
        List<ContentTypeRef> out = new ArrayList<>();
        for (XmlNode r : parent.all(name)) {
            out.add(ctRef(r));
        }
        return out;
    }

    // --- scalars ---

    private static XmlNode required(XmlNode parent, String name) {
        XmlNode n = parent.child(name);
        if (n == null) {
            throw new Bad(Problem.STRUCTURE, "<" + parent.name + "> lacks <" + name + ">");
        }
        return n;
    }

    private static String requiredText(XmlNode parent, String name) {
        return required(parent, name).text().trim();
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Bad(Problem.STRUCTURE, what + " is not a number: '" + abbreviate(s) + "'");
        }
    }

    private static Integer intOrNull(XmlNode parent, String name) {
        String s = parent.childText(name);
        return s == null ? null : number(s, name);
    }

    private static Long longOrNull(XmlNode parent, String name) {
        String s = parent.childText(name);
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new Bad(Problem.STRUCTURE, name + " is not a number: '" + abbreviate(s) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Stackless: a malformed message is an expected input, not a bug. */
    static final class Bad extends RuntimeException {
        final Problem problem;

        Bad(Problem problem, String message) {
            super(message, null, false, false);
            this.problem = problem;
        }
    }
}
