package io.syncgw.codec.tree;

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
import java.util.Optional;

/**
 * Maps a decoded element tree to the SyncML model (RepPro §5-6, MetInf, DevInf §5). Shared by the XML and the WBXML
 * decoder, so both encodings decode to the same model by construction.
 *
 * <p><b>Internal</b> to the codec: public only so that both wire-format packages can use it.
 *
 * <p>A tolerant reader: unknown elements are skipped (devices send vendor extensions), namespaces and code pages are
 * ignored (devices get them wrong), but what the model requires (VerDTD, SessionID, MsgID, Target, Source, CmdID,
 * numeric codes) must be present. It counts commands and items against {@link DecoderLimits#maxCommands()} and
 * {@link DecoderLimits#maxItems()}. A CTCap property's size is read from {@code MaxSize} (DevInf 1.2) or {@code Size}
 * (1.0/1.1), whichever is present: WBXML has one token for both.
 */
public final class SyncMlTreeReader {
    private final DecoderLimits limits;
    private int commands;
    private int items;

    private SyncMlTreeReader(DecoderLimits limits) {
        this.limits = limits;
    }

    /** The message, or {@link DecodeResult.Malformed} when the tree is not a SyncML message within the limits. */
    public static DecodeResult read(Element root, DecoderLimits limits) {
        try {
            return new DecodeResult.Complete(new SyncMlTreeReader(limits).message(root));
        } catch (Bad b) {
            return new DecodeResult.Malformed(b.problem, b.getMessage(), -1);
        }
    }

    /** Reads a stand-alone DevInf document (stored device information); empty when it is not one. */
    public static Optional<DevInf> readDevInf(Element root) {
        try {
            return Optional.of(devInfRoot(root));
        } catch (Bad b) {
            return Optional.empty();
        }
    }

    private static DevInf devInfRoot(Element root) {
        if (!root.name().equals("DevInf")) {
            throw new Bad(Problem.STRUCTURE, "root element is <" + root.name() + ">, not <DevInf>");
        }
        return devInf(root);
    }

    private SyncMessage message(Element root) {
        if (!root.name().equals("SyncML")) {
            throw new Bad(Problem.STRUCTURE, "root element is <" + root.name() + ">, not <SyncML>");
        }
        Element hdr = required(root, "SyncHdr");
        Element body = required(root, "SyncBody");
        SyncHeader header = header(hdr);
        List<Command> cmds = new ArrayList<>();
        boolean fin = false;
        for (Element c : body.children()) {
            if (c.name().equals("Final")) {
                fin = true;
            } else {
                cmds.add(command(c));
            }
        }
        return new SyncMessage(header, cmds, fin);
    }

    private static SyncHeader header(Element h) {
        String verDtd = requiredText(h, "VerDTD");
        SyncMlVersion version = SyncMlVersion.ofVerDtd(verDtd)
                .orElseThrow(() -> new Bad(Problem.VERSION, "unsupported SyncML version " + verDtd));
        return new SyncHeader(version, requiredText(h, "SessionID"), requiredText(h, "MsgID"),
                requiredLocation(h, "Target"), requiredLocation(h, "Source"), h.childText("RespURI"), h.has("NoResp"),
                cred(h.child("Cred")), meta(h.child("Meta")));
    }

    private Command command(Element c) {
        if (++commands > limits.maxCommands()) {
            throw new Bad(Problem.LIMIT, "more than " + limits.maxCommands() + " commands");
        }
        return switch (c.name()) {
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
            default -> new UnknownCommand(c.name(), c.childText("CmdID") == null ? "" : c.childText("CmdID"));
        };
    }

    private static final java.util.Set<String> NON_COMMANDS = java.util.Set.of(
            "CmdID", "NoResp", "Cred", "Target", "Source", "Meta", "NumberOfChanges");

    /** The commands inside Sync, Atomic and Sequence. */
    private List<Command> nested(Element parent) {
        List<Command> out = new ArrayList<>();
        for (Element c : parent.children()) {
            if (!NON_COMMANDS.contains(c.name())) {
                out.add(command(c));
            }
        }
        return out;
    }

    private List<Item> items(Element cmd) {
        List<Item> out = new ArrayList<>(1);
        for (Element i : cmd.children()) {
            if (i.name().equals("Item")) {
                if (++items > limits.maxItems()) {
                    throw new Bad(Problem.LIMIT, "more than " + limits.maxItems() + " items");
                }
                out.add(item(i));
            }
        }
        return out;
    }

    private static Item item(Element i) {
        Element sp = i.child("SourceParent");
        Element tp = i.child("TargetParent");
        return new Item(location(i.child("Target")), location(i.child("Source")),
                sp == null ? null : sp.childText("LocURI"), tp == null ? null : tp.childText("LocURI"),
                i.has("Meta") ? meta(i.child("Meta")) : null, data(i.child("Data")), i.has("MoreData"));
    }

    private static ItemData data(Element d) {
        if (d == null) {
            return null;
        }
        Element devInf = d.child("DevInf");
        if (devInf != null) {
            return new ItemData.DevInfData(devInf(devInf));
        }
        Element anchor = d.child("Anchor");
        if (anchor != null) {
            return new ItemData.AnchorData(anchor(anchor));
        }
        return new ItemData.Text(d.text());
    }

    private static List<MapItem> mapItems(Element m) {
        List<MapItem> out = new ArrayList<>();
        for (Element mi : m.all("MapItem")) {
            out.add(new MapItem(requiredLocation(mi, "Target"), requiredLocation(mi, "Source")));
        }
        return out;
    }

    private static Cred cred(Element c) {
        if (c == null) {
            return null;
        }
        String data = c.childText("Data");
        return new Cred(meta(c.child("Meta")), data == null ? "" : data);
    }

    private static Chal chal(Element c) {
        return c == null ? null : new Chal(meta(c.child("Meta")));
    }

    private static Meta meta(Element m) {
        if (m == null) {
            return Meta.EMPTY;
        }
        Element anchor = m.child("Anchor");
        return new Meta(m.childText("Format"), m.childText("Type"), m.childText("Mark"), longOrNull(m, "Size"),
                anchor == null ? null : anchor(anchor), m.childText("Version"), m.childText("NextNonce"),
                longOrNull(m, "MaxMsgSize"), longOrNull(m, "MaxObjSize"), m.allTexts("EMI"));
    }

    private static Anchor anchor(Element a) {
        return new Anchor(a.childText("Last"), a.childText("Next"));
    }

    private static Location location(Element l) {
        if (l == null) {
            return null;
        }
        String uri = l.childText("LocURI");
        return new Location(uri == null ? "" : uri, l.childText("LocName"));
    }

    private static Location requiredLocation(Element parent, String name) {
        Element l = parent.child(name);
        if (l == null || l.childText("LocURI") == null) {
            throw new Bad(Problem.STRUCTURE, "<" + parent.name() + "> lacks <" + name + "><LocURI>");
        }
        return location(l);
    }

    // --- DevInf ---

    private static DevInf devInf(Element d) {
        List<DataStore> stores = new ArrayList<>();
        for (Element ds : d.all("DataStore")) {
            stores.add(dataStore(ds));
        }
        List<CtCap> caps = new ArrayList<>();
        for (Element c : d.all("CTCap")) {
            if (c.has("Property")) {
                caps.add(ctCap(c));
            } else {
                caps.addAll(flatCtCaps(c));
            }
        }
        List<Ext> exts = new ArrayList<>();
        for (Element e : d.all("Ext")) {
            exts.add(new Ext(e.childText("XNam"), e.allTexts("XVal")));
        }
        return new DevInf(d.childText("VerDTD"), d.childText("Man"), d.childText("Mod"), d.childText("OEM"),
                d.childText("FwV"), d.childText("SwV"), d.childText("HwV"), d.childText("DevID"), d.childText("DevTyp"),
                d.has("UTC"), d.has("SupportLargeObjs"), d.has("SupportNumberOfChanges"), stores, caps, exts);
    }

    private static DataStore dataStore(Element ds) {
        List<CtCap> caps = new ArrayList<>();
        for (Element c : ds.all("CTCap")) {
            caps.add(ctCap(c));
        }
        Element mem = ds.child("DSMem");
        Element syncCap = ds.child("SyncCap");
        List<FilterCap> filterCaps = new ArrayList<>();
        for (Element f : ds.all("FilterCap")) {
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
    private static CtCap ctCap(Element c) {
        List<CtProperty> props = new ArrayList<>();
        for (Element p : c.all("Property")) {
            List<CtParam> params = new ArrayList<>();
            for (Element pp : p.all("PropParam")) {
                params.add(new CtParam(pp.childText("ParamName"), pp.childText("DataType"), pp.allTexts("ValEnum"),
                        pp.childText("DisplayName")));
            }
            Integer maxSize = p.has("MaxSize") ? intOrNull(p, "MaxSize") : intOrNull(p, "Size");
            props.add(new CtProperty(p.childText("PropName"), p.childText("DataType"), intOrNull(p, "MaxOccur"),
                    maxSize, p.has("NoTruncate"), p.allTexts("ValEnum"), p.childText("DisplayName"), params));
        }
        return new CtCap(c.childText("CTType"), c.childText("VerCT"), c.has("FieldLevel"), props);
    }

    /**
     * DevInf 1.0/1.1 CTCap: a flat sequence {@code (CTType, (PropName, ValEnum*, DataType?, Size?, DisplayName?,
     * (ParamName, ValEnum*, DataType?, Size?, DisplayName?)*)*)+}, regrouped here by the element that opens each group.
     */
    private static List<CtCap> flatCtCaps(Element c) {
        List<CtCap> out = new ArrayList<>();
        FlatCap cap = null;
        FlatProp prop = null;
        FlatParam param = null;
        for (Element n : c.children()) {
            String v = n.text().trim();
            switch (n.name()) {
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
                case "Size", "MaxSize" -> {
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

    private static ContentTypeRef ctRef(Element r) {
        return r == null ? null : new ContentTypeRef(r.childText("CTType"), r.childText("VerCT"));
    }

    private static List<ContentTypeRef> ctRefs(Element parent, String name) {
        List<ContentTypeRef> out = new ArrayList<>();
        for (Element r : parent.all(name)) {
            out.add(ctRef(r));
        }
        return out;
    }

    // --- scalars ---

    private static Element required(Element parent, String name) {
        Element n = parent.child(name);
        if (n == null) {
            throw new Bad(Problem.STRUCTURE, "<" + parent.name() + "> lacks <" + name + ">");
        }
        return n;
    }

    private static String requiredText(Element parent, String name) {
        return required(parent, name).text().trim();
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Bad(Problem.STRUCTURE, what + " is not a number: '" + abbreviate(s) + "'");
        }
    }

    private static Integer intOrNull(Element parent, String name) {
        String s = parent.childText(name);
        return s == null ? null : number(s, name);
    }

    private static Long longOrNull(Element parent, String name) {
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
    private static final class Bad extends RuntimeException {
        final Problem problem;

        Bad(Problem problem, String message) {
            super(message, null, false, false);
            this.problem = problem;
        }
    }
}
