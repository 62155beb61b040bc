package io.syncgw.codec.xml;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.devinf.DevInf;
import io.syncgw.codec.tree.SyncMlWriter;
import io.syncgw.codec.tree.Vocabulary;

/**
 * Writes SyncML messages as XML: the structure of {@link SyncMlWriter} (element order as in the RepPro, MetInf and
 * DevInf DTDs) over an XML sink. Meta children carry their own {@code xmlns="syncml:metinf"} and DevInf its
 * {@code xmlns="syncml:devinf"} (as SyncEvolution and Funambol do), so each command's bytes do not depend on its
 * neighbours and {@link #sizeOf} is exact.
 *
 * <p>Thread-safe: no state beyond constants.
 */
public final class SyncMlXmlEncoder implements SyncMlEncoder {
    public static final String CONTENT_TYPE = "application/vnd.syncml+xml";
    static final String METINF = "syncml:metinf";
    static final String DEVINF = "syncml:devinf";

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(SyncMessage message) {
        // most replies fit: growing by copying from a small buffer was the encoder's main cost
        XmlOutput out = new XmlOutput(8192);
        XmlElementSink sink = new XmlElementSink(out, null);
        SyncMlWriter.envelopeStart(sink, message.header());
        for (Command c : message.commands()) {
            SyncMlWriter.command(sink, c);
        }
        SyncMlWriter.envelopeEnd(sink, message.fin());
        return out.toByteArray();
    }

    @Override
    public int envelopeSize(SyncHeader header, boolean fin) {
        XmlOutput out = XmlOutput.counter();
        XmlElementSink sink = new XmlElementSink(out, null);
        SyncMlWriter.envelopeStart(sink, header);
        SyncMlWriter.envelopeEnd(sink, fin);
        return out.size();
    }

    @Override
    public int sizeOf(Command command) {
        XmlOutput out = XmlOutput.counter();
        SyncMlWriter.command(new XmlElementSink(out, Vocabulary.SYNCML), command); // as written inside SyncBody
        return out.size();
    }

    /** Encodes a DevInf document on its own (what is stored for a device). */
    public byte[] encodeDevInf(DevInf devInf) {
        XmlOutput out = new XmlOutput(4096);
        SyncMlWriter.devInf(new XmlElementSink(out, null), devInf);
        return out.toByteArray();
    }
}
