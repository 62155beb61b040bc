package io.syncgw.codec.wbxml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecodeResult.Malformed;
import io.syncgw.codec.DecodeResult.Problem;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.SyncMlDecoder;
import io.syncgw.codec.tree.SyncMlTreeReader;
import java.util.Objects;

/**
 * Decodes one SyncML WBXML message ({@code application/vnd.syncml+wbxml}, WBXML 1.1-1.3) from chunks as they
 * arrive, to the same model as {@link io.syncgw.codec.xml.SyncMlXmlDecoder}: both build the element tree that
 * {@link SyncMlTreeReader} maps. An explicit state machine over bytes: nothing of the input is kept but the token
 * being read, and no chunk needs the next one.
 *
 * <p>State machine (per byte; inline strings, opaque data and the string table are copied in runs):
 * <pre>
 *   VERSION -&gt; PUBLIC_ID [-&gt; PUBLIC_ID_INDEX] -&gt; CHARSET -&gt; STRTBL_LENGTH [-&gt; STRTBL] -&gt; BODY
 *   BODY --tag--&gt; BODY | ATTRIBUTES (skipped) ; --SWITCH_PAGE--&gt; PAGE ; --STR_I--&gt; INLINE ;
 *        --STR_T--&gt; TABLE_REF ; --ENTITY--&gt; ENTITY_CODE ; --OPAQUE--&gt; OPAQUE_LENGTH -&gt; OPAQUE_BYTES ;
 *        --LITERAL*--&gt; LITERAL_INDEX ; --END of the root--&gt; DONE (Complete)
 *   any error or limit --&gt; FAILED (Malformed); endOfInput before DONE --&gt; FAILED (truncated)
 * </pre>
 * In DONE and FAILED further input is ignored and the same result is returned.
 *
 * <p>What is read: public id 0x0FD1/0x0FD3/0x1201 (SyncML 1.0/1.1/1.2), 0x01 (unknown) or a string-table reference
 * to {@code -//SYNCML//DTD SyncML 1.x//EN}; charset UTF-8 (106, and 0 "unknown"), US-ASCII (3) or ISO-8859-1 (4),
 * others refused; code page 0 SyncML and 1 MetInf; tags by token or {@code LITERAL*} name; STR_I, STR_T, ENTITY,
 * OPAQUE; {@code SWITCH_PAGE} anywhere in content (Nokia phones switch before END). Attributes (SyncML has none,
 * but Nokia phones send an xmlns one) and processing instructions before the root are skipped, within the limits;
 * extension tokens and PIs inside the document are refused. OPAQUE in {@code Data} that starts with a WBXML DevInf
 * header (public id 0x0FD2/0x0FD4/0x1203 or its string) is decoded as that DevInf document, as SyncEvolution sends
 * it, to the same {@code ItemData.DevInfData} as the XML form. OPAQUE in MetInf {@code NextNonce} is the nonce's
 * bytes and becomes their base64 (the model's form, and libwbxml's). Other OPAQUE and strings are text in the
 * document's charset: invalid UTF-8 (e.g. binary payloads not in b64, as SyncML requires) becomes U+FFFD per bad
 * sequence, and so do bytes above 0x7F in US-ASCII.
 *
 * <p>Limits (see {@link DecoderLimits}), each checked before what it concerns is kept or allocated:
 * <table>
 *   <caption>limits</caption>
 *   <tr><th>limit</th><th>what</th><th>default</th></tr>
 *   <tr><td>maxMessageBytes</td><td>bytes fed in total; a declared length (string table, opaque) must also fit in
 *       what the limit leaves after it</td><td>4 MiB</td></tr>
 *   <tr><td>maxMessageBytes</td><td>bytes of all strings decoded, string-table references and literal names
 *       included, so references cannot multiply the text of a message</td><td>4 MiB</td></tr>
 *   <tr><td>maxTextChars</td><td>bytes of the string table, of one inline string, of one opaque block (checked on
 *       the declared length); characters of one element's text</td><td>4 Mi</td></tr>
 *   <tr><td>maxDepth</td><td>element nesting, an embedded DevInf included</td><td>32</td></tr>
 *   <tr><td>maxElements</td><td>elements, an embedded DevInf included</td><td>200,000</td></tr>
 *   <tr><td>mb_u_int32</td><td>at most 5 bytes, at most 2<sup>32</sup>-1 (syntax error otherwise)</td>
 *       <td>fixed</td></tr>
 *   <tr><td>STR_T, LITERAL, public id index</td><td>inside the string table (syntax error otherwise)</td>
 *       <td>fixed</td></tr>
 *   <tr><td>embedded documents</td><td>one level: DevInf in a message's Data, nothing inside a DevInf</td>
 *       <td>fixed</td></tr>
 *   <tr><td>maxCommands / maxItems</td><td>checked by {@link SyncMlTreeReader}</td><td>10,000 each</td></tr>
 * </table>
 * Problems: not WBXML, unsupported WBXML version or charset, truncation, bad integers and references
 * {@link Problem#SYNTAX}; unknown code pages, tokens and public ids, extension tokens {@link Problem#STRUCTURE};
 * processing instructions inside the document {@link Problem#FORBIDDEN}; limits {@link Problem#LIMIT}.
 *
 * <p>Not thread-safe: one instance per message, fed by one thread at a time.
 */
public final class SyncMlWbxmlDecoder implements SyncMlDecoder {
    private final DecoderLimits limits;
    private WbxmlParser parser;
    private long bytesFed;
    private DecodeResult result = DecodeResult.NEED_MORE_INPUT;

    public SyncMlWbxmlDecoder(DecoderLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.parser = new WbxmlParser(WbxmlParser.Kind.MESSAGE, limits, new WbxmlParser.Budget(), 0, 0,
                limits.maxMessageBytes());
    }

    public SyncMlWbxmlDecoder() {
        this(DecoderLimits.DEFAULT);
    }

    /**
     * Feeds the next chunk. The array is only read during this call, so the caller may reuse it afterwards.
     *
     * @return {@link DecodeResult.NeedMoreInput} until the message is complete or refused
     */
    @Override
    public DecodeResult feed(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (parser == null) {
            return result;
        }
        bytesFed += len;
        if (bytesFed > limits.maxMessageBytes()) {
            return finish(new Malformed(Problem.LIMIT, "message larger than " + limits.maxMessageBytes() + " bytes",
                    bytesFed));
        }
        parser.feed(buf, off, len);
        return settle();
    }

    public DecodeResult feed(byte[] buf) {
        return feed(buf, 0, buf.length);
    }

    /** Signals the end of the body: a message that is not complete by now is malformed (truncated). */
    @Override
    public DecodeResult endOfInput() {
        if (parser == null) {
            return result;
        }
        if (bytesFed == 0) {
            return finish(new Malformed(Problem.SYNTAX, "empty body", 0));
        }
        parser.end();
        return settle();
    }

    /** Bytes fed so far (for metrics and logs). */
    public long bytesFed() {
        return bytesFed;
    }

    private DecodeResult settle() {
        if (parser.failed()) {
            return finish(parser.failure());
        }
        if (parser.done()) {
            return finish(SyncMlTreeReader.read(parser.root(), limits));
        }
        return result;
    }

    private DecodeResult finish(DecodeResult r) {
        result = r;
        parser = null; // release the tree and buffers; the result is all we keep
        return r;
    }
}
