package io.syncgw.codec.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.UncheckedStreamException;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.tree.Element;
import io.syncgw.codec.tree.SyncMlTreeReader;
import io.syncgw.codec.SyncMlDecoder;
import java.util.ArrayDeque;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Decodes one SyncML XML message from chunks as they arrive, on Aalto's non-blocking parser: no chunk is copied into
 * a String and the whole body is never materialised as text.
 *
 * <p>State machine:
 * <pre>
 *   PROLOG --first non-blank byte--&gt; PARSING --root element closed--&gt; DONE (Complete)
 *      \____________________ any error or limit ___________________&gt; FAILED (Malformed)
 * </pre>
 * In DONE and FAILED further input is ignored and the same result is returned.
 *
 * <p>Limits (see {@link DecoderLimits}), all checked before the input they concern is kept:
 * <table>
 *   <caption>limits</caption>
 *   <tr><th>limit</th><th>what</th><th>default</th></tr>
 *   <tr><td>maxMessageBytes</td><td>bytes fed in total</td><td>4 MiB</td></tr>
 *   <tr><td>maxDepth</td><td>element nesting</td><td>32</td></tr>
 *   <tr><td>maxElements</td><td>elements in the document</td><td>200,000</td></tr>
 *   <tr><td>maxTextChars</td><td>characters of one element's text</td><td>4 Mi</td></tr>
 *   <tr><td>maxCommands / maxItems</td><td>checked by {@link SyncMlTreeReader}</td><td>10,000 each</td></tr>
 * </table>
 * A DOCTYPE is accepted but never resolved; an internal subset (where entities would be declared) is a syntax error
 * for the asynchronous scanner; entity references other than the five predefined ones and processing instructions
 * after the prolog are refused ({@link Problem#FORBIDDEN}): no XXE, no entity expansion. Comments are skipped.
 *
 * <p>Text must be well-formed: invalid UTF-8 (a stray continuation byte, a truncated sequence, a surrogate, a code
 * point beyond U+10FFFF) and characters XML 1.0 excludes (controls other than TAB, LF, CR) are
 * {@link Problem#SYNTAX}, so the whole message is refused and nothing of it reaches the store. (Aalto reads
 * overlong forms such as {@code C0 AF} as the character they spell; that character is text, never markup.) So is
 * {@code ]]>} in character data outside a CDATA section (XML 1.0 section 2.4), found by {@link CdataEndScanner} on
 * the raw bytes: Aalto's own check depends on where the chunks end. The verdict never depends on the chunking.
 *
 * <p>Not thread-safe: one instance per message, fed by one thread at a time.
 */
public final class SyncMlXmlDecoder implements SyncMlDecoder {
    private static final AsyncXMLInputFactory FACTORY = newFactory();

    private enum State { PROLOG, PARSING, DONE, FAILED }

    private final DecoderLimits limits;
    private final AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    private final ArrayDeque<Element> stack = new ArrayDeque<>();
    private final CdataEndScanner cdataEnds = new CdataEndScanner();
    private State state = State.PROLOG;
    private Element root;
    private long bytesFed;
    private int elements;
    private DecodeResult result = DecodeResult.NEED_MORE_INPUT;
    /** The current element's text so far ends with a high surrogate, whose low one must come next. */
    private boolean highSurrogatePending;

    public SyncMlXmlDecoder(DecoderLimits limits) {
        this.limits = limits;
        this.reader = FACTORY.createAsyncForByteArray();
    }

    public SyncMlXmlDecoder() {
        this(DecoderLimits.DEFAULT);
    }

    private static AsyncXMLInputFactory newFactory() {
        InputFactoryImpl f = new InputFactoryImpl();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        return f;
    }

    /**
     * Feeds the next chunk. The array is only read during this call, so the caller may reuse it afterwards.
     *
     * @return {@link DecodeResult.NeedMoreInput} until the message is complete or refused
     */
    @Override
    public DecodeResult feed(byte[] buf, int off, int len) {
        if (state == State.DONE || state == State.FAILED) {
            return result;
        }
        long chunkOffset = bytesFed;
        int chunkStart = off;
        bytesFed += len;
        if (bytesFed > limits.maxMessageBytes()) {
            return fail(Problem.LIMIT, "message larger than " + limits.maxMessageBytes() + " bytes", bytesFed);
        }
        if (state == State.PROLOG) {
            // devices occasionally send blank lines before the XML declaration; XML forbids them, we skip them
            while (len > 0 && isBlank(buf[off])) {
                off++;
                len--;
            }
            if (len == 0) {
                return result;
            }
            state = State.PARSING;
        }
        // the parser gets the bytes up to a "]]>" in character data only: what comes before it is judged (a limit
        // or forbidden construct there comes first), what comes after it is not, however the chunks fall
        int cdataEnd = cdataEnds.scan(buf, off, len);
        try {
            reader.getInputFeeder().feedInput(buf, off, cdataEnd < 0 ? len : cdataEnd + 1 - off);
            DecodeResult r = drain();
            if (cdataEnd >= 0 && state == State.PARSING) {
                return fail(Problem.SYNTAX, "not well-formed XML: ']]>' in character data (it may only end a CDATA "
                        + "section)", chunkOffset + cdataEnd - chunkStart - 2);
            }
            return r;
        } catch (XMLStreamException | UncheckedStreamException e) {
            // Aalto checks the characters of a text lazily, in getText(), and reports a bad one unchecked
            return fail(Problem.SYNTAX, "not well-formed XML: " + firstLine(e.getMessage()), offset());
        }
    }

    public DecodeResult feed(byte[] buf) {
        return feed(buf, 0, buf.length);
    }

    /** Signals the end of the body: a message that is not complete by now is malformed (truncated). */
    @Override
    public DecodeResult endOfInput() {
        if (state == State.DONE || state == State.FAILED) {
            return result;
        }
        if (state == State.PROLOG) {
            return fail(Problem.SYNTAX, "empty body", 0);
        }
        try {
            reader.getInputFeeder().endOfInput();
            DecodeResult r = drain();
            if (r instanceof DecodeResult.NeedMoreInput) {
                return fail(Problem.SYNTAX, "truncated document", offset());
            }
            return r;
        } catch (XMLStreamException | UncheckedStreamException e) {
            return fail(Problem.SYNTAX, "truncated document: " + firstLine(e.getMessage()), offset());
        }
    }

    /** Bytes fed so far (for metrics and logs). */
    public long bytesFed() {
        return bytesFed;
    }

    private DecodeResult drain() throws XMLStreamException {
        while (true) {
            int event = reader.next();
            switch (event) {
                case AsyncXMLStreamReader.EVENT_INCOMPLETE:
                    return result;
                case XMLStreamConstants.START_ELEMENT: {
                    if (++elements > limits.maxElements()) {
                        return fail(Problem.LIMIT, "more than " + limits.maxElements() + " elements", offset());
                    }
                    if (stack.size() >= limits.maxDepth()) {
                        return fail(Problem.LIMIT, "nesting deeper than " + limits.maxDepth(), offset());
                    }
                    highSurrogatePending = false; // text before a child element is layout, not kept
                    Element node = new Element(reader.getLocalName());
                    if (stack.isEmpty()) {
                        if (root != null) {
                            return fail(Problem.SYNTAX, "second root element", offset());
                        }
                        root = node;
                    } else {
                        stack.peek().add(node);
                    }
                    stack.push(node);
                    break;
                }
                case XMLStreamConstants.END_ELEMENT:
                    if (highSurrogatePending) {
                        return fail(Problem.SYNTAX, "not well-formed XML: invalid UTF-8 in the text of <"
                                + stack.peek().name() + ">", offset());
                    }
                    stack.pop();
                    if (stack.isEmpty()) {
                        return complete();
                    }
                    break;
                case XMLStreamConstants.CHARACTERS:
                case XMLStreamConstants.CDATA:
                case XMLStreamConstants.SPACE: {
                    Element top = stack.peek();
                    if (top == null) {
                        break; // whitespace in the prolog
                    }
                    if (top.hasChildren()) {
                        break; // layout between child elements
                    }
                    String text = reader.getText();
                    if (!pairedSurrogates(text)) {
                        return fail(Problem.SYNTAX, "not well-formed XML: invalid UTF-8 in the text of <" + top.name()
                                + "> (a code point beyond U+10FFFF)", offset());
                    }
                    if (top.textLength() + (long) text.length() > limits.maxTextChars()) {
                        return fail(Problem.LIMIT, "text of <" + top.name() + "> longer than " + limits.maxTextChars()
                                + " characters", offset());
                    }
                    top.appendText(text);
                    break;
                }
                case XMLStreamConstants.DTD:
                    // A DOCTYPE naming the SyncML DTD is harmless: external DTDs are never fetched, and Aalto's
                    // asynchronous scanner rejects internal subsets outright (a syntax error), so no entity can be
                    // declared. Undeclared entity references are refused below.
                    break;
                case XMLStreamConstants.ENTITY_REFERENCE:
                case XMLStreamConstants.ENTITY_DECLARATION:
                case XMLStreamConstants.NOTATION_DECLARATION:
                    return fail(Problem.FORBIDDEN, "entity reference or declaration not allowed", offset());
                case XMLStreamConstants.PROCESSING_INSTRUCTION:
                    if (root != null) {
                        return fail(Problem.FORBIDDEN, "processing instruction inside the document", offset());
                    }
                    break;
                case XMLStreamConstants.END_DOCUMENT:
                    return root != null && stack.isEmpty() ? complete() : fail(Problem.SYNTAX, "no root element", offset());
                default:
                    break; // START_DOCUMENT, COMMENT
            }
        }
    }

    private DecodeResult complete() {
        state = State.DONE;
        result = SyncMlTreeReader.read(root, limits);
        if (result instanceof Malformed) {
            state = State.FAILED;
        }
        root = null; // release the tree; the model is all we keep
        return result;
    }

    private DecodeResult fail(Problem problem, String reason, long at) {
        state = State.FAILED;
        stack.clear();
        root = null;
        result = new Malformed(problem, reason, at);
        return result;
    }

    private long offset() {
        try {
            return reader.getLocationInfo().getStartingByteOffset();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Whether {@code text}, continuing the current element's text, pairs every surrogate. Aalto decodes a 4-byte
     * UTF-8 sequence beyond U+10FFFF (F4 90 80 80 and up) to two low surrogates instead of refusing it: such text
     * is not Unicode and would reach the store as '?'.
     */
    private boolean pairedSurrogates(String text) {
        int n = text.length();
        int i = 0;
        if (highSurrogatePending) {
            if (n == 0) {
                return true;
            }
            if (!Character.isLowSurrogate(text.charAt(0))) {
                return false;
            }
            highSurrogatePending = false;
            i = 1;
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == n) {
                    highSurrogatePending = true;
                } else if (!Character.isLowSurrogate(text.charAt(++i))) {
                    return false;
                }
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
