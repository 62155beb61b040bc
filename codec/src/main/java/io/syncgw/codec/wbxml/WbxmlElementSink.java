package io.syncgw.codec.wbxml;

import static io.syncgw.codec.wbxml.WbxmlTokens.CHARSET_UTF8;
import static io.syncgw.codec.wbxml.WbxmlTokens.END;
import static io.syncgw.codec.wbxml.WbxmlTokens.HAS_CONTENT;
import static io.syncgw.codec.wbxml.WbxmlTokens.OPAQUE;
import static io.syncgw.codec.wbxml.WbxmlTokens.STR_I;
import static io.syncgw.codec.wbxml.WbxmlTokens.SWITCH_PAGE;
import static io.syncgw.codec.wbxml.WbxmlTokens.VERSION_1_2;

import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.tree.ElementSink;
import io.syncgw.codec.tree.EncodingCache;
import io.syncgw.codec.tree.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Writes {@link io.syncgw.codec.tree.SyncMlWriter}'s events as WBXML tokens: tags from the code page of the
 * element's vocabulary, values as inline strings ({@code STR_I}), payloads as {@code OPAQUE} (what SyncEvolution and
 * Funambol send), DevInf as an embedded WBXML document in {@code OPAQUE}. No string table except the one a 1.0
 * public identifier needs in the header.
 *
 * <p>Code pages are switched lazily, right before the start tag that needs another page (the only place the WBXML
 * grammar allows a switch). So a command may end in page 1; {@link #page()} tells the encoder, which charges the
 * switch back to page 0 to that command.
 */
final class WbxmlElementSink implements ElementSink {
    /** The server's DevInf as an embedded document, encoded once per instance (shared: see {@link EncodingCache}). */
    private static final EncodingCache<DevInf> DEVINF_DOCUMENTS = new EncodingCache<>(16);

    private final WbxmlOutput out;
    /** True for an embedded DevInf document, false for a SyncML message. */
    private final boolean devInfDocument;
    private int page;

    private WbxmlElementSink(WbxmlOutput out, boolean devInfDocument) {
        this.out = out;
        this.devInfDocument = devInfDocument;
    }

    /** A sink for a SyncML message, or for commands as they stand in its body (code page 0). */
    static WbxmlElementSink message(WbxmlOutput out) {
        return new WbxmlElementSink(out, false);
    }

    /** The current tag code page. */
    int page() {
        return page;
    }

    /** Switches to a tag code page now, if not already there. */
    void switchTo(int newPage) {
        if (page != newPage) {
            out.write(SWITCH_PAGE);
            out.write(newPage);
            page = newPage;
        }
    }

    @Override
    public void startMessage(SyncMlVersion version) {
        out.write(VERSION_1_2);
        int publicId = WbxmlTokens.syncMlPublicId(version);
        if (publicId != 0) {
            header(out, publicId, null);
        } else {
            header(out, 0, WbxmlTokens.SYNCML_10_FPI); // SyncML 1.0 has no numeric identifier of its own
        }
        start(Vocabulary.SYNCML, "SyncML");
    }

    /** Public identifier (numeric, or a reference to {@code fpi} in the string table), charset, string table. */
    private static void header(WbxmlOutput out, int publicId, String fpi) {
        if (fpi == null) {
            out.mbUInt32(publicId);
            out.write(CHARSET_UTF8);
            out.write(0); // empty string table
        } else {
            byte[] s = fpi.getBytes(StandardCharsets.US_ASCII);
            out.write(0); // public id given as a string...
            out.write(0); // ...at offset 0 of the string table
            out.write(CHARSET_UTF8);
            out.mbUInt32(s.length + 1L);
            out.write(s);
            out.write(0);
        }
    }

    @Override
    public void start(Vocabulary vocabulary, String name) {
        out.write(tag(vocabulary, name) | HAS_CONTENT);
    }

    @Override
    public void end() {
        out.write(END);
    }

    @Override
    public void empty(Vocabulary vocabulary, String name) {
        out.write(tag(vocabulary, name));
    }

    @Override
    public void text(String value) {
        if (!value.isEmpty()) {
            out.write(STR_I);
            out.utf8(value, false);
            out.write(0);
        }
    }

    @Override
    public void payload(String value) {
        if (!value.isEmpty()) {
            out.write(OPAQUE);
            out.mbUInt32(WbxmlOutput.utf8Length(value, true));
            out.utf8(value, true);
        }
    }

    @Override
    public void devInfDocument(DevInf devInf, Consumer<ElementSink> content) {
        byte[] document = DEVINF_DOCUMENTS.get(devInf, d -> {
            WbxmlOutput doc = new WbxmlOutput(2048);
            doc.write(VERSION_1_2);
            String v = d.verDtd() == null ? "" : d.verDtd().trim();
            if (v.equals("1.0")) {
                header(doc, 0, WbxmlTokens.DEVINF_10_FPI);
            } else {
                header(doc, v.equals("1.1") ? WbxmlTokens.DEVINF_11 : WbxmlTokens.DEVINF_12, null);
            }
            content.accept(new WbxmlElementSink(doc, true));
            return doc.toByteArray();
        });
        out.write(OPAQUE);
        out.mbUInt32(document.length);
        out.write(document);
    }

    /** The tag byte (without content bit) of an element, after switching to its code page. */
    private int tag(Vocabulary vocabulary, String name) {
        if ((vocabulary == Vocabulary.DEVINF) != devInfDocument) {
            throw new IllegalStateException("<" + name + "> (" + vocabulary + ") cannot stand in a "
                    + (devInfDocument ? "DevInf" : "SyncML") + " document");
        }
        int token = WbxmlTokens.token(vocabulary, name);
        if (token < 0) {
            // only an UnknownCommand can get here; WBXML names elements by token, and syncgw writes no string table
            throw new IllegalArgumentException("<" + name + "> has no token in the " + vocabulary
                    + " code page and cannot be written as WBXML");
        }
        switchTo(WbxmlTokens.page(vocabulary));
        return token;
    }
}
