package io.syncgw.codec.wbxml;

import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.tree.Vocabulary;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The WBXML facts of SyncML: global tokens (WBXML 1.3 §7), the tag tokens of the SyncML, MetInf and DevInf code pages
 * and the public identifiers.
 *
 * <p>Sources (facts only): libwbxml's {@code wbxml_tables.c} / {@code wbxml_tables.h} (tables named after
 * OMA-TS-SyncML_RepPro-V1_2, OMA-TS-SyncML_MetaInfo-V1_2, OMA-TS-DS_DevInf-V1_2 and their 1.1 predecessors),
 * cross-checked with the SyncML toolkit tables of Synthesis (libsynthesis {@code xlttags.c}), Funambol's kXML SyncML
 * tables, and the bytes SyncEvolution sends (traces B1, B2: SyncML page 0, MetInf page 1, DevInf page 0, public ids
 * 0x1201 and 0x1203). The tables here are the 1.2 ones, which extend 1.0/1.1 without renumbering, so one table reads
 * every version. DevInf token 0x1C is {@code Size} in DevInf 1.0/1.1 and {@code MaxSize} in 1.2 (Synthesis calls it
 * an alias); the reader accepts both. Token 0x30 of SyncML and 0x2F of DevInf are reserved.
 */
final class WbxmlTokens {
    private WbxmlTokens() {
    }

    // global tokens (WBXML 1.3 §7.1)
    static final int SWITCH_PAGE = 0x00;
    static final int END = 0x01;
    static final int ENTITY = 0x02;
    static final int STR_I = 0x03;
    static final int LITERAL = 0x04;
    static final int EXT_I_0 = 0x40;
    static final int EXT_I_2 = 0x42;
    static final int PI = 0x43;
    static final int LITERAL_C = 0x44;
    static final int EXT_T_0 = 0x80;
    static final int EXT_T_2 = 0x82;
    static final int STR_T = 0x83;
    static final int LITERAL_A = 0x84;
    static final int EXT_0 = 0xC0;
    static final int EXT_2 = 0xC2;
    static final int OPAQUE = 0xC3;
    static final int LITERAL_AC = 0xC4;

    /** Tag token bits (WBXML 1.3 §5.8.2). */
    static final int HAS_CONTENT = 0x40;
    static final int HAS_ATTRIBUTES = 0x80;
    static final int TAG_MASK = 0x3F;

    /** WBXML version byte written: 1.2, the highest the SyncML toolkit in SyncEvolution and phones accepts. */
    static final int VERSION_1_2 = 0x02;
    /** IANA MIBenum of UTF-8, US-ASCII, ISO-8859-1; 0 is "unknown", which WBXML defaults to UTF-8. */
    static final int CHARSET_UTF8 = 106;
    static final int CHARSET_US_ASCII = 3;
    static final int CHARSET_LATIN1 = 4;
    static final int CHARSET_UNKNOWN = 0;

    // public identifiers (WAP/OMNA registry, as libwbxml's wbxml_tables.h lists them)
    static final int PUBLIC_ID_UNKNOWN = 0x01;
    static final int SYNCML_10 = 0x0FD1;
    static final int DEVINF_10 = 0x0FD2;
    static final int SYNCML_11 = 0x0FD3;
    static final int DEVINF_11 = 0x0FD4;
    static final int SYNCML_12 = 0x1201;
    static final int DEVINF_12 = 0x1203;
    static final String SYNCML_10_FPI = "-//SYNCML//DTD SyncML 1.0//EN";
    static final String SYNCML_11_FPI = "-//SYNCML//DTD SyncML 1.1//EN";
    static final String SYNCML_12_FPI = "-//SYNCML//DTD SyncML 1.2//EN";
    static final String DEVINF_10_FPI = "-//SYNCML//DTD DevInf 1.0//EN";
    static final String DEVINF_11_FPI = "-//SYNCML//DTD DevInf 1.1//EN";
    static final String DEVINF_12_FPI = "-//SYNCML//DTD DevInf 1.2//EN";

    /** Page 0 of a SyncML document (RepPro §8 / libwbxml sv_syncml_syncml12_tag_table), from token 0x05. */
    private static final String[] SYNCML_PAGE = {
        "Add", "Alert", "Archive", "Atomic", "Chal", "Cmd", "CmdID", "CmdRef", "Copy", "Cred", "Data", // 05-0F
        "Delete", "Exec", "Final", "Get", "Item", "Lang", "LocName", "LocURI", "Map", "MapItem", "Meta", // 10-1A
        "MsgID", "MsgRef", "NoResp", "NoResults", "Put", "Replace", "RespURI", "Results", "Search", // 1B-23
        "Sequence", "SessionID", "SftDel", "Source", "SourceRef", "Status", "Sync", "SyncBody", "SyncHdr", // 24-2C
        "SyncML", "Target", "TargetRef", null, "VerDTD", "VerProto", "NumberOfChanges", "MoreData", // 2D-34
        "Field", "Filter", "Record", "FilterType", "SourceParent", "TargetParent", "Move", "Correlator" // 35-3C
    };

    /** Page 1 of a SyncML document: MetInf (MetaInfo §8), from token 0x05. */
    private static final String[] METINF_PAGE = {
        "Anchor", "EMI", "Format", "FreeID", "FreeMem", "Last", "Mark", "MaxMsgSize", "Mem", "MetInf", // 05-0E
        "Next", "NextNonce", "SharedMem", "Size", "Type", "Version", "MaxObjSize", "FieldLevel" // 0F-16
    };

    /** Page 0 of a DevInf document (DevInf §8), from token 0x05; 0x1C named per document version. */
    private static final String[] DEVINF_PAGE = {
        "CTCap", "CTType", "DataStore", "DataType", "DevID", "DevInf", "DevTyp", "DisplayName", "DSMem", // 05-0D
        "Ext", "FwV", "HwV", "Man", "MaxGUIDSize", "MaxID", "MaxMem", "Mod", "OEM", "ParamName", // 0E-17
        "PropName", "Rx", "Rx-Pref", "SharedMem", "MaxSize", "SourceRef", "SwV", "SyncCap", "SyncType", // 18-20
        "Tx", "Tx-Pref", "ValEnum", "VerCT", "VerDTD", "XNam", "XVal", "UTC", "SupportNumberOfChanges", // 21-29
        "SupportLargeObjs", "Property", "PropParam", "MaxOccur", "NoTruncate", null, "Filter-Rx", // 2A-30
        "FilterCap", "FilterKeyword", "FieldLevel", "SupportHierarchicalSync" // 31-34
    };

    static final int DEVINF_SIZE_TOKEN = 0x1C;

    private static final Map<String, Integer> SYNCML_TOKENS = index(SYNCML_PAGE);
    private static final Map<String, Integer> METINF_TOKENS = index(METINF_PAGE);
    private static final Map<String, Integer> DEVINF_TOKENS = devInfIndex();

    private static Map<String, Integer> index(String[] page) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < page.length; i++) {
            if (page[i] != null) {
                m.put(page[i], i + 5);
            }
        }
        return Map.copyOf(m);
    }

    private static Map<String, Integer> devInfIndex() {
        Map<String, Integer> m = new HashMap<>(index(DEVINF_PAGE));
        m.put("Size", DEVINF_SIZE_TOKEN); // the DevInf 1.0/1.1 name of the same token
        return Map.copyOf(m);
    }

    /** The element a tag token names in this vocabulary, or null when the code page has no such token. */
    static String name(Vocabulary vocabulary, int token) {
        String[] page = vocabulary == Vocabulary.SYNCML ? SYNCML_PAGE
                : vocabulary == Vocabulary.METINF ? METINF_PAGE : DEVINF_PAGE;
        int i = token - 5;
        return i >= 0 && i < page.length ? page[i] : null;
    }

    /** The tag token of an element, or -1 when its code page has none. */
    static int token(Vocabulary vocabulary, String name) {
        Map<String, Integer> m = vocabulary == Vocabulary.SYNCML ? SYNCML_TOKENS
                : vocabulary == Vocabulary.METINF ? METINF_TOKENS : DEVINF_TOKENS;
        Integer t = m.get(name);
        return t == null ? -1 : t;
    }

    /** The code page of a vocabulary within its document (MetInf is page 1 of SyncML; DevInf page 0 of its own). */
    static int page(Vocabulary vocabulary) {
        return vocabulary == Vocabulary.METINF ? 1 : 0;
    }

    /** Numeric public identifier of a SyncML message of this version; 0 for 1.0, which is named by a string. */
    static int syncMlPublicId(SyncMlVersion version) {
        switch (version) {
            case V1_1:
                return SYNCML_11;
            case V1_2:
                return SYNCML_12;
            default:
                return 0;
        }
    }

    /** What a document's public identifier says it is. */
    enum Doc { SYNCML, DEVINF_10_11, DEVINF_12, UNKNOWN, OTHER }

    static Doc classify(long numericId) {
        if (numericId == SYNCML_10 || numericId == SYNCML_11 || numericId == SYNCML_12) {
            return Doc.SYNCML;
        }
        if (numericId == DEVINF_10 || numericId == DEVINF_11) {
            return Doc.DEVINF_10_11;
        }
        if (numericId == DEVINF_12) {
            return Doc.DEVINF_12;
        }
        return numericId == PUBLIC_ID_UNKNOWN ? Doc.UNKNOWN : Doc.OTHER;
    }

    /** Formal public identifiers compared ignoring case: libwbxml itself spells one "-//SyncML//DTD DevInf 1.0//EN". */
    static Doc classify(String fpi) {
        String f = fpi.trim().toUpperCase(Locale.ROOT);
        if (f.equals(SYNCML_10_FPI.toUpperCase(Locale.ROOT)) || f.equals(SYNCML_11_FPI.toUpperCase(Locale.ROOT))
                || f.equals(SYNCML_12_FPI.toUpperCase(Locale.ROOT))) {
            return Doc.SYNCML;
        }
        if (f.equals(DEVINF_10_FPI.toUpperCase(Locale.ROOT)) || f.equals(DEVINF_11_FPI.toUpperCase(Locale.ROOT))) {
            return Doc.DEVINF_10_11;
        }
        return f.equals(DEVINF_12_FPI.toUpperCase(Locale.ROOT)) ? Doc.DEVINF_12 : Doc.OTHER;
    }
}
