package io.syncgw.codec.xml;

import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.tree.ElementSink;
import io.syncgw.codec.tree.EncodingCache;
import io.syncgw.codec.tree.Vocabulary;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Writes {@link io.syncgw.codec.tree.SyncMlWriter}'s events as XML into an {@link XmlOutput}. An element whose
 * vocabulary differs from its parent's declares it as the default namespace ({@code <Type xmlns="syncml:metinf">},
 * {@code <DevInf xmlns="syncml:devinf">}), as SyncEvolution and Funambol write it; so a command's bytes depend only
 * on the command, given that it stands in {@code SyncBody}.
 */
final class XmlElementSink implements ElementSink {
    private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    /** The server's DevInf, encoded once per instance (it is shared: see {@link EncodingCache}). */
    private static final EncodingCache<DevInf> DEVINF_DOCUMENTS = new EncodingCache<>(16);

    private record Open(Vocabulary vocabulary, String name) {
    }

    private final XmlOutput out;
    /** The vocabulary of the element around what is written here, null for a document of its own. */
    private final Vocabulary context;
    private final ArrayDeque<Open> open = new ArrayDeque<>();

    XmlElementSink(XmlOutput out, Vocabulary context) {
        this.out = out;
        this.context = context;
    }

    @Override
    public void startMessage(SyncMlVersion version) {
        out.raw(DECLARATION).start("SyncML", version.namespace());
        open.push(new Open(Vocabulary.SYNCML, "SyncML"));
    }

    @Override
    public void start(Vocabulary vocabulary, String name) {
        String ns = declaration(vocabulary);
        if (ns == null) {
            out.start(name);
        } else {
            out.start(name, ns);
        }
        open.push(new Open(vocabulary, name));
    }

    @Override
    public void end() {
        out.end(open.pop().name());
    }

    @Override
    public void empty(Vocabulary vocabulary, String name) {
        String ns = declaration(vocabulary);
        if (ns == null) {
            out.empty(name);
        } else {
            out.empty(name, ns);
        }
    }

    @Override
    public void text(String value) {
        out.text(value);
    }

    @Override
    public void payload(String value) {
        out.payload(value);
    }

    @Override
    public void devInfDocument(DevInf devInf, Consumer<ElementSink> content) {
        // XML nests the document in place, inside Data: its bytes are those it has under any SyncML element
        out.raw(DEVINF_DOCUMENTS.get(devInf, d -> {
            XmlOutput doc = new XmlOutput(16384);
            content.accept(new XmlElementSink(doc, Vocabulary.SYNCML));
            return doc.toByteArray();
        }));
    }

    /** The namespace to declare on an element of this vocabulary here, or null when it is inherited. */
    private String declaration(Vocabulary vocabulary) {
        Vocabulary parent = open.isEmpty() ? context : open.peek().vocabulary();
        if (vocabulary == parent) {
            return null;
        }
        switch (vocabulary) {
            case METINF:
                return SyncMlXmlEncoder.METINF;
            case DEVINF:
                return SyncMlXmlEncoder.DEVINF;
            default:
                return null; // SyncML elements only ever stand in SyncML elements, under the root's namespace
        }
    }
}
