package io.syncgw.codec.wbxml;

import static io.syncgw.codec.wbxml.WbxmlTokens.END;
import static io.syncgw.codec.wbxml.WbxmlTokens.ENTITY;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_0;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_2;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_I_0;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_I_2;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_T_0;
import static io.syncgw.codec.wbxml.WbxmlTokens.EXT_T_2;
import static io.syncgw.codec.wbxml.WbxmlTokens.HAS_ATTRIBUTES;
import static io.syncgw.codec.wbxml.WbxmlTokens.HAS_CONTENT;
import static io.syncgw.codec.wbxml.WbxmlTokens.LITERAL;
import static io.syncgw.codec.wbxml.WbxmlTokens.LITERAL_A;
import static io.syncgw.codec.wbxml.WbxmlTokens.LITERAL_AC;
import static io.syncgw.codec.wbxml.WbxmlTokens.LITERAL_C;
import static io.syncgw.codec.wbxml.WbxmlTokens.OPAQUE;
import static io.syncgw.codec.wbxml.WbxmlTokens.PI;
import static io.syncgw.codec.wbxml.WbxmlTokens.STR_I;
import static io.syncgw.codec.wbxml.WbxmlTokens.STR_T;
import static io.syncgw.codec.wbxml.WbxmlTokens.SWITCH_PAGE;
import static io.syncgw.codec.wbxml.WbxmlTokens.TAG_MASK;

import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.tree.Element;
import io.syncgw.codec.tree.Vocabulary;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * The WBXML state machine behind {@link SyncMlWbxmlDecoder}: consumes bytes as they arrive and builds the
 * {@link Element} tree of one document, a SyncML message or a DevInf document embedded in one. Keeps no input: only
 * the token being read (an {@code mb_u_int32}, an inline string, an opaque block, the string table) is buffered,
 * each within its limit.
 *
 * <p>One instance per document, not thread-safe. After {@link #failed()} or {@link #done()} it consumes nothing more.
 */
final class WbxmlParser {

    /** Which document is expected: it decides the code pages and the acceptable public identifiers. */
    enum Kind { MESSAGE, DEVINF }

    /** Counters shared by a message and the DevInf documents embedded in it. */
    static final class Budget {
        int elements;
        /** Bytes of strings decoded so far: string-table references must not multiply the text of a message. */
        long stringBytes;
    }

    private enum State {
        VERSION, PUBLIC_ID, PUBLIC_ID_INDEX, CHARSET, STRTBL_LENGTH, STRTBL,
        /** Expecting a token in content (or before the root element). */
        BODY,
        /** The page index after SWITCH_PAGE. */
        PAGE,
        /** The bytes of an inline string, up to its zero byte. */
        INLINE,
        TABLE_REF, ENTITY_CODE, OPAQUE_LENGTH, OPAQUE_BYTES, LITERAL_INDEX,
        /** Expecting a token of an attribute list or a processing instruction, all of which are skipped. */
        ATTRIBUTES,
        ATTR_PAGE, ATTR_LITERAL_INDEX, ATTR_INTEGER,
        DONE, FAILED
    }

    private static final int MB_MAX_BYTES = 5;
    private static final int INITIAL_BUFFER = 256;

    private final Kind kind;
    private final DecoderLimits limits;
    private final Budget budget;
    private final int depthOffset;
    private final long baseOffset;
    /** Bytes this document may take: the message limit, or the exact length of an embedded document. */
    private final long maxBytes;

    private State state = State.VERSION;
    private long pos;
    private Malformed failure;

    // header
    private long publicIdIndex = -1;
    private boolean devInf12 = true;
    private Charset charset = StandardCharsets.UTF_8;
    private byte[] table = new byte[0];
    private int tableFilled;

    // token being read
    private long mbValue;
    private int mbBytes;
    private long mbStart;
    private byte[] bytes;
    private int filled;
    private long expected;
    private long tokenStart;
    private boolean discard;
    private boolean literalContent;
    private boolean literalAttributes;

    // document
    private int page;
    private final ArrayDeque<Element> stack = new ArrayDeque<>();
    private Element root;
    /** Where ATTRIBUTES goes at its END: BODY, or DONE for an empty root element with attributes. */
    private State afterAttributes = State.BODY;

    WbxmlParser(Kind kind, DecoderLimits limits, Budget budget, int depthOffset, long baseOffset, long maxBytes) {
        this.kind = kind;
        this.limits = limits;
        this.budget = budget;
        this.depthOffset = depthOffset;
        this.baseOffset = baseOffset;
        this.maxBytes = maxBytes;
    }

    boolean done() {
        return state == State.DONE;
    }

    boolean failed() {
        return state == State.FAILED;
    }

    Malformed failure() {
        return failure;
    }

    /** The document's root element, once {@link #done()}. */
    Element root() {
        return root;
    }

    /** Bytes consumed so far. */
    long position() {
        return pos;
    }

    /** Consumes bytes until the document is complete or refused; bytes after the root element are not consumed. */
    void feed(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && state != State.DONE && state != State.FAILED) {
            switch (state) {
                case INLINE:
                    i = inline(buf, i, end);
                    break;
                case STRTBL:
                case OPAQUE_BYTES:
                    i = block(buf, i, end);
                    break;
                default:
                    pos++;
                    step(buf[i++] & 0xFF);
                    break;
            }
        }
    }

    /** The input ended: a document not complete by now is truncated. */
    void end() {
        if (state != State.DONE && state != State.FAILED) {
            String at = state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            fail(Problem.SYNTAX, pos == 0 ? "empty document" : "truncated document (in " + at + ")", pos);
        }
    }

    private void step(int b) {
        switch (state) {
            case VERSION:
                version(b);
                break;
            case PUBLIC_ID:
                if (mb(b)) {
                    if (mbValue == 0) {
                        state = State.PUBLIC_ID_INDEX; // the identifier is a string in the string table
                    } else {
                        publicId(WbxmlTokens.classify(mbValue), "0x" + Long.toHexString(mbValue));
                        if (state != State.FAILED) {
                            state = State.CHARSET;
                        }
                    }
                }
                break;
            case PUBLIC_ID_INDEX:
                if (mb(b)) {
                    publicIdIndex = mbValue;
                    state = State.CHARSET;
                }
                break;
            case CHARSET:
                if (mb(b)) {
                    charset();
                }
                break;
            case STRTBL_LENGTH:
                if (mb(b)) {
                    stringTableLength();
                }
                break;
            case BODY:
                body(b);
                break;
            case PAGE:
                switchPage(b);
                break;
            case TABLE_REF:
                if (mb(b)) {
                    tableRef();
                }
                break;
            case ENTITY_CODE:
                if (mb(b)) {
                    entity();
                }
                break;
            case OPAQUE_LENGTH:
                if (mb(b)) {
                    opaqueLength();
                }
                break;
            case LITERAL_INDEX:
                if (mb(b)) {
                    String name = tableString(mbValue, "literal tag");
                    if (name != null) {
                        if (name.isEmpty()) {
                            fail(Problem.SYNTAX, "literal tag with an empty name", pos - 1);
                        } else {
                            open(name, literalContent, literalAttributes);
                        }
                    }
                }
                break;
            case ATTRIBUTES:
                attribute(b);
                break;
            case ATTR_PAGE:
                state = State.ATTRIBUTES; // attribute code pages are irrelevant: attributes are skipped
                break;
            case ATTR_LITERAL_INDEX:
                if (mb(b)) {
                    // Nokia phones send an xmlns attribute as LITERAL index 0 without a string table (libwbxml
                    // accepts it too); any other reference must stand inside the table
                    if (!(tableFilled == 0 && mbValue == 0) && mbValue >= tableFilled) {
                        fail(Problem.SYNTAX, "attribute name reference " + mbValue + " outside the string table of "
                                + tableFilled + " bytes", tokenStart);
                    } else {
                        state = State.ATTRIBUTES;
                    }
                }
                break;
            case ATTR_INTEGER:
                if (mb(b)) {
                    state = State.ATTRIBUTES;
                }
                break;
            default:
                throw new IllegalStateException(state.name()); // bulk states never get here
        }
    }

    // --- header ---

    private void version(int b) {
        if (b == 0x00) {
            fail(Problem.SYNTAX, "WBXML 1.0 (no charset field) is not supported", pos - 1);
        } else if (b < 0x01 || b > 0x03) {
            fail(Problem.SYNTAX, "not WBXML 1.1-1.3: version byte 0x" + Integer.toHexString(b), pos - 1);
        } else {
            state = State.PUBLIC_ID;
        }
    }

    private void publicId(WbxmlTokens.Doc doc, String what) {
        if (kind == Kind.MESSAGE) {
            if (doc == WbxmlTokens.Doc.DEVINF_10_11 || doc == WbxmlTokens.Doc.DEVINF_12) {
                fail(Problem.STRUCTURE, "a DevInf document, not a SyncML message (public id " + what + ")", 1);
            } else if (doc == WbxmlTokens.Doc.OTHER) {
                fail(Problem.STRUCTURE, "public id " + what + " is not SyncML", 1);
            }
        } else if (doc == WbxmlTokens.Doc.SYNCML || doc == WbxmlTokens.Doc.OTHER) {
            fail(Problem.STRUCTURE, "public id " + what + " is not DevInf", 1);
        } else {
            devInf12 = doc != WbxmlTokens.Doc.DEVINF_10_11;
        }
    }

    private void charset() {
        if (mbValue == WbxmlTokens.CHARSET_UTF8 || mbValue == WbxmlTokens.CHARSET_UNKNOWN) {
            charset = StandardCharsets.UTF_8; // "unknown" means the transport's, which for SyncML is UTF-8
        } else if (mbValue == WbxmlTokens.CHARSET_US_ASCII) {
            charset = StandardCharsets.US_ASCII;
        } else if (mbValue == WbxmlTokens.CHARSET_LATIN1) {
            charset = StandardCharsets.ISO_8859_1;
        } else {
            fail(Problem.SYNTAX, "charset MIBenum " + mbValue + " is not supported (UTF-8, US-ASCII, ISO-8859-1)",
                    mbStart);
            return;
        }
        state = State.STRTBL_LENGTH;
    }

    private void stringTableLength() {
        long n = mbValue;
        tokenStart = mbStart;
        if (!declaredLengthFits(n, "string table")) {
            return;
        }
        if (n == 0) {
            headerDone();
        } else {
            table = new byte[(int) Math.min(n, INITIAL_BUFFER)];
            expected = n;
            tableFilled = 0;
            state = State.STRTBL;
        }
    }

    private void headerDone() {
        if (publicIdIndex >= 0) {
            tokenStart = 1;
            String fpi = tableString(publicIdIndex, "public id");
            if (fpi == null) {
                return;
            }
            publicId(WbxmlTokens.classify(fpi), "'" + abbreviate(fpi) + "'");
            if (state == State.FAILED) {
                return;
            }
        }
        state = State.BODY;
    }

    // --- content ---

    private void body(int b) {
        switch (b) {
            case SWITCH_PAGE:
                state = State.PAGE;
                return;
            case END:
                if (stack.isEmpty()) {
                    fail(Problem.SYNTAX, "END without an open element", pos - 1);
                } else {
                    stack.pop();
                    if (stack.isEmpty()) {
                        state = State.DONE;
                    }
                }
                return;
            case ENTITY:
                startContent(State.ENTITY_CODE, false);
                return;
            case STR_I:
                if (startContent(State.INLINE, false)) {
                    bytes = new byte[INITIAL_BUFFER];
                    filled = 0;
                }
                return;
            case STR_T:
                startContent(State.TABLE_REF, false);
                return;
            case OPAQUE:
                startContent(State.OPAQUE_LENGTH, false);
                return;
            case LITERAL:
            case LITERAL_C:
            case LITERAL_A:
            case LITERAL_AC:
                literalContent = (b & HAS_CONTENT) != 0;
                literalAttributes = (b & HAS_ATTRIBUTES) != 0;
                tokenStart = pos - 1;
                state = State.LITERAL_INDEX;
                return;
            case PI:
                if (root != null) {
                    fail(Problem.FORBIDDEN, "processing instruction inside the document", pos - 1);
                } else {
                    afterAttributes = State.BODY; // a PI before the root element is skipped like an attribute list
                    state = State.ATTRIBUTES;
                }
                return;
            default:
                break;
        }
        if ((b >= EXT_I_0 && b <= EXT_I_2) || (b >= EXT_T_0 && b <= EXT_T_2) || (b >= EXT_0 && b <= EXT_2)) {
            fail(Problem.STRUCTURE, "extension token 0x" + Integer.toHexString(b) + " is not used by SyncML", pos - 1);
            return;
        }
        int token = b & TAG_MASK;
        String name = tagName(token);
        if (name == null) {
            fail(Problem.STRUCTURE, "unknown tag token 0x" + Integer.toHexString(token) + " in code page " + page
                    + " of a " + (kind == Kind.MESSAGE ? "SyncML" : "DevInf") + " document", pos - 1);
            return;
        }
        open(name, (b & HAS_CONTENT) != 0, (b & HAS_ATTRIBUTES) != 0);
    }

    private String tagName(int token) {
        if (kind == Kind.DEVINF) {
            if (token == WbxmlTokens.DEVINF_SIZE_TOKEN && !devInf12) {
                return "Size";
            }
            return WbxmlTokens.name(Vocabulary.DEVINF, token);
        }
        return WbxmlTokens.name(page == 0 ? Vocabulary.SYNCML : Vocabulary.METINF, token);
    }

    /** Begins reading content (a string, entity or opaque): it needs an open element. */
    private boolean startContent(State next, boolean inAttributes) {
        if (!inAttributes && stack.isEmpty()) {
            fail(Problem.SYNTAX, "character data outside the root element", pos - 1);
            return false;
        }
        discard = inAttributes;
        tokenStart = pos - 1;
        state = next;
        return true;
    }

    private void open(String name, boolean content, boolean attributes) {
        if (++budget.elements > limits.maxElements()) {
            fail(Problem.LIMIT, "more than " + limits.maxElements() + " elements", pos - 1);
            return;
        }
        if (depthOffset + stack.size() >= limits.maxDepth()) {
            fail(Problem.LIMIT, "nesting deeper than " + limits.maxDepth(), pos - 1);
            return;
        }
        Element e = new Element(name);
        if (stack.isEmpty()) {
            root = e;
        } else {
            stack.peek().add(e);
        }
        if (content) {
            stack.push(e);
        }
        State next = stack.isEmpty() ? State.DONE : State.BODY; // a root without content is the whole document
        if (attributes) {
            afterAttributes = next;
            state = State.ATTRIBUTES;
        } else {
            state = next;
        }
    }

    private void switchPage(int b) {
        int maxPage = kind == Kind.MESSAGE ? 1 : 0;
        if (b > maxPage) {
            fail(Problem.STRUCTURE, "unknown code page " + b + " in a " + (kind == Kind.MESSAGE ? "SyncML" : "DevInf")
                    + " document", pos - 1);
        } else {
            page = b;
            state = State.BODY;
        }
    }

    /** Scans an inline string for its terminating zero byte, keeping (or, in attributes, only counting) its bytes. */
    private int inline(byte[] buf, int from, int end) {
        int zero = from;
        while (zero < end && buf[zero] != 0) {
            zero++;
        }
        int n = zero - from;
        if (filled + (long) n > limits.maxTextChars()) {
            fail(Problem.LIMIT, "inline string longer than " + limits.maxTextChars() + " bytes", tokenStart);
            return end;
        }
        if (!discard) {
            if (filled + n > bytes.length) {
                long grown = Math.max(filled + n, Math.min(limits.maxTextChars(), 2L * bytes.length));
                bytes = Arrays.copyOf(bytes, (int) grown);
            }
            System.arraycopy(buf, from, bytes, filled, n);
        }
        filled += n;
        pos += n;
        if (zero == end) {
            return end; // the string continues in the next chunk
        }
        pos++; // the terminator
        if (discard) {
            state = State.ATTRIBUTES;
        } else {
            String s = decode(bytes, 0, filled);
            bytes = null;
            if (s != null) {
                text(s);
            }
        }
        return zero + 1;
    }

    /** Copies (or, in attributes, skips) the bytes of the string table or of an opaque block. */
    private int block(byte[] buf, int from, int end) {
        int n = (int) Math.min(expected - filledOf(), end - from);
        if (state == State.STRTBL) {
            if (tableFilled + n > table.length) {
                table = Arrays.copyOf(table, (int) Math.min(expected, Math.max(tableFilled + n, 2L * table.length)));
            }
            System.arraycopy(buf, from, table, tableFilled, n);
            tableFilled += n;
        } else {
            if (!discard) {
                if (filled + n > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(expected, Math.max(filled + n, 2L * bytes.length)));
                }
                System.arraycopy(buf, from, bytes, filled, n);
            }
            filled += n;
        }
        pos += n;
        if (filledOf() == expected) {
            if (state == State.STRTBL) {
                headerDone();
            } else if (discard) {
                state = State.ATTRIBUTES;
            } else {
                opaque();
            }
        }
        return from + n;
    }

    private long filledOf() {
        return state == State.STRTBL ? tableFilled : filled;
    }

    private void tableRef() {
        if (discard) {
            if (mbValue >= tableFilled) {
                fail(Problem.SYNTAX, "string table reference " + mbValue + " outside the table of " + tableFilled
                        + " bytes", tokenStart);
            } else {
                state = State.ATTRIBUTES;
            }
            return;
        }
        String s = tableString(mbValue, "string table reference");
        if (s != null) {
            text(s);
        }
    }

    private void entity() {
        long c = mbValue;
        if (c == 0 || c > Character.MAX_CODE_POINT || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            fail(Problem.SYNTAX, "ENTITY " + c + " is not a character", tokenStart);
        } else if (discard) {
            state = State.ATTRIBUTES;
        } else if (chargeString(2)) {
            text(Character.toString((int) c));
        }
    }

    private void opaqueLength() {
        long n = mbValue;
        if (!declaredLengthFits(n, "opaque data")) {
            return;
        }
        expected = n;
        filled = 0;
        if (n == 0) {
            if (discard) {
                state = State.ATTRIBUTES;
            } else {
                bytes = new byte[0];
                opaque();
            }
            return;
        }
        if (!discard) {
            bytes = new byte[(int) Math.min(n, INITIAL_BUFFER)];
        }
        state = State.OPAQUE_BYTES;
    }

    private void opaque() {
        byte[] data = bytes;
        bytes = null;
        long dataStart = pos - data.length;
        Element top = stack.peek();
        if (kind == Kind.MESSAGE && top.name().equals("Data") && isDevInfDocument(data)) {
            // SyncEvolution and Funambol send DevInf as a WBXML document of its own inside Data (RepPro §5.1.5)
            WbxmlParser inner = new WbxmlParser(Kind.DEVINF, limits, budget, depthOffset + stack.size(),
                    baseOffset + dataStart, data.length);
            inner.feed(data, 0, data.length);
            inner.end();
            if (inner.failed()) {
                Malformed m = inner.failure();
                fail(m.problem(), "embedded DevInf: " + m.reason(),
                        m.byteOffset() < 0 ? -1 : m.byteOffset() - baseOffset);
            } else if (inner.position() != data.length) {
                fail(Problem.SYNTAX, "embedded DevInf: " + (data.length - inner.position())
                        + " bytes after its root element", dataStart + inner.position());
            } else if (!inner.root().name().equals("DevInf")) {
                fail(Problem.STRUCTURE, "embedded DevInf document has root <" + inner.root().name() + ">", dataStart);
            } else {
                top.add(inner.root());
                state = State.BODY;
            }
            return;
        }
        if (kind == Kind.MESSAGE && top.name().equals("NextNonce")) {
            // a nonce in OPAQUE is its raw bytes; the model (and XML) carry it in base64, as libwbxml renders it
            if (chargeString(4L * ((data.length + 2) / 3))) {
                text(Base64.getEncoder().encodeToString(data));
            }
            return;
        }
        String s = decode(data, 0, data.length);
        if (s != null) {
            text(s);
        }
    }

    /** Character data for the open element; returns to BODY. */
    private void text(String s) {
        Element top = stack.peek();
        if (!top.hasChildren()) { // text after child elements is layout, as in XML
            if (top.textLength() + (long) s.length() > limits.maxTextChars()) {
                fail(Problem.LIMIT, "text of <" + top.name() + "> longer than " + limits.maxTextChars()
                        + " characters", tokenStart);
                return;
            }
            top.appendText(s);
        }
        state = State.BODY;
    }

    // --- attributes and processing instructions: skipped, but read by the grammar and within the limits ---

    private void attribute(int b) {
        switch (b) {
            case END:
                state = afterAttributes;
                return;
            case SWITCH_PAGE:
                state = State.ATTR_PAGE;
                return;
            case STR_I:
            case EXT_I_0:
            case EXT_I_0 + 1:
            case EXT_I_2:
                startContent(State.INLINE, true);
                filled = 0;
                return;
            case STR_T:
                startContent(State.TABLE_REF, true);
                return;
            case ENTITY:
                startContent(State.ENTITY_CODE, true);
                return;
            case OPAQUE:
                startContent(State.OPAQUE_LENGTH, true);
                return;
            case LITERAL:
                tokenStart = pos - 1;
                state = State.ATTR_LITERAL_INDEX;
                return;
            case EXT_T_0:
            case EXT_T_0 + 1:
            case EXT_T_2:
                state = State.ATTR_INTEGER;
                return;
            case PI:
            case LITERAL_C:
            case LITERAL_A:
            case LITERAL_AC:
                fail(Problem.SYNTAX, "token 0x" + Integer.toHexString(b) + " inside an attribute list", pos - 1);
                return;
            default:
                // EXT_0..2, or an attribute start/value token: SyncML defines none, so they carry nothing we keep
        }
    }

    // --- primitives ---

    /** Accumulates an mb_u_int32; true when its last byte arrived. At most 5 bytes and 32 bits. */
    private boolean mb(int b) {
        if (mbBytes == 0) {
            mbValue = 0;
            mbStart = pos - 1;
        }
        mbValue = (mbValue << 7) | (b & 0x7F);
        mbBytes++;
        if (mbValue > 0xFFFF_FFFFL) {
            fail(Problem.SYNTAX, "mb_u_int32 overflows 32 bits", mbStart);
            return false;
        }
        if ((b & 0x80) == 0) {
            mbBytes = 0;
            return true; // mbValue stays readable until the next integer starts
        }
        if (mbBytes == MB_MAX_BYTES) {
            fail(Problem.SYNTAX, "mb_u_int32 longer than 5 bytes", mbStart);
            return false;
        }
        return false;
    }

    /** A declared length within the limits: the per-string limit and what the document still has room for. */
    private boolean declaredLengthFits(long n, String what) {
        if (n > limits.maxTextChars()) {
            fail(Problem.LIMIT, what + " of " + n + " bytes exceeds the limit of " + limits.maxTextChars(), tokenStart);
            return false;
        }
        long room = maxBytes - pos;
        if (n > room) {
            if (kind == Kind.DEVINF) {
                fail(Problem.SYNTAX, what + " of " + n + " bytes runs past the end of the embedded document",
                        tokenStart);
            } else {
                fail(Problem.LIMIT, what + " of " + n + " bytes exceeds the " + room
                        + " bytes the message limit leaves", tokenStart);
            }
            return false;
        }
        return true;
    }

    /** The zero-terminated string at {@code index} of the string table, or null after failing. */
    private String tableString(long index, String what) {
        if (index >= tableFilled) {
            fail(Problem.SYNTAX, what + " " + index + " outside the string table of " + tableFilled + " bytes",
                    tokenStart);
            return null;
        }
        int from = (int) index;
        int to = from;
        while (to < tableFilled && table[to] != 0) { // an unterminated last string ends with the table
            to++;
        }
        if (!chargeString(to - from)) {
            return null;
        }
        return decode(table, from, to - from);
    }

    /** Counts decoded string bytes against the message limit before they are decoded. */
    private boolean chargeString(long n) {
        budget.stringBytes += n;
        if (budget.stringBytes > limits.maxMessageBytes()) {
            fail(Problem.LIMIT, "strings of the message expand to more than " + limits.maxMessageBytes() + " bytes",
                    tokenStart);
            return false;
        }
        return true;
    }

    /** Bytes in the document's charset; malformed sequences become U+FFFD (Java's decoder replacement). */
    private String decode(byte[] b, int off, int len) {
        if (!chargeString(len)) {
            return null;
        }
        return new String(b, off, len, charset);
    }

    private void fail(Problem problem, String reason, long at) {
        state = State.FAILED;
        stack.clear();
        root = null;
        bytes = null;
        table = null;
        failure = new Malformed(problem, reason, at < 0 ? -1 : baseOffset + at);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /**
     * True when {@code b} starts with the header of a WBXML DevInf document (version 1.1-1.3, a DevInf public id,
     * numeric or in the string table). Opaque data that does not is text.
     */
    static boolean isDevInfDocument(byte[] b) {
        if (b.length < 4 || b[0] < 1 || b[0] > 3) {
            return false;
        }
        long[] at = {1};
        long id = mbAt(b, at);
        if (id > 0) {
            WbxmlTokens.Doc d = WbxmlTokens.classify(id);
            return d == WbxmlTokens.Doc.DEVINF_10_11 || d == WbxmlTokens.Doc.DEVINF_12;
        }
        if (id < 0) {
            return false;
        }
        long index = mbAt(b, at);
        long charset = mbAt(b, at);
        long tableLength = mbAt(b, at);
        if (index < 0 || charset < 0 || tableLength <= index || at[0] + tableLength > b.length) {
            return false;
        }
        int from = (int) (at[0] + index);
        int to = from;
        int tableEnd = (int) (at[0] + tableLength);
        while (to < tableEnd && b[to] != 0) {
            to++;
        }
        WbxmlTokens.Doc d = WbxmlTokens.classify(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        return d == WbxmlTokens.Doc.DEVINF_10_11 || d == WbxmlTokens.Doc.DEVINF_12;
    }

    /** The mb_u_int32 at {@code at[0]} (advanced past it), or -1 when it is not a complete, valid one. */
    private static long mbAt(byte[] b, long[] at) {
        long v = 0;
        for (int n = 0; n < MB_MAX_BYTES; n++) {
            if (at[0] >= b.length) {
                return -1;
            }
            int x = b[(int) at[0]++] & 0xFF;
            v = (v << 7) | (x & 0x7F);
            if ((x & 0x80) == 0) {
                return v > 0xFFFF_FFFFL ? -1 : v;
            }
        }
        return -1;
    }
}
