package io.syncgw.codec.wbxml;

import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.tree.SyncMlWriter;

/**
 * Writes SyncML messages as WBXML 1.2 ({@code application/vnd.syncml+wbxml}): the element structure of
 * {@link SyncMlWriter}, the one the XML encoder writes, as tokens of the SyncML (page 0) and MetInf (page 1) code
 * pages. Values are inline strings, item payloads {@code OPAQUE} UTF-8, DevInf an embedded WBXML DevInf document in
 * {@code OPAQUE} (public id by the DevInf's own VerDTD: 0x1203 for 1.2, 0x0FD4 for 1.1, the string
 * {@code -//SYNCML//DTD DevInf 1.0//EN} for 1.0). Public id of the message: 0x1201 (1.2), 0x0FD3 (1.1), the string
 * {@code -//SYNCML//DTD SyncML 1.0//EN} (1.0; the only string table written, in the header). Charset UTF-8.
 *
 * <p>Exact sizes: no string table is shared between commands, and code pages are switched lazily before start tags;
 * a command that ends in page 1 is charged the two bytes ({@code SWITCH_PAGE 0}) that whatever follows it needs. When
 * nothing follows (the last command of a message without {@code Final}) the encoder writes that switch before the
 * closing {@code END}: outside the strict WBXML grammar, but read by libwbxml (its Nokia workaround), by the SyncML
 * toolkit of Synthesis/SyncEvolution and by syncgw. So {@code encode(m).length == envelopeSize + Σ sizeOf} holds.
 *
 * <p>The Meta Type of a Put/Results/Get carrying DevInf is written as given; in a WBXML session it should be
 * {@code application/vnd.syncml-devinf+wbxml}: peers built on libwbxml parse the OPAQUE as a document only under that
 * Type (and write its bytes as text otherwise). syncgw's decoder recognises the embedded document by its header.
 *
 * <p>Limits of the encoding: an {@link io.syncgw.codec.model.UnknownCommand} whose name has no SyncML token
 * (Exec, Search... have one) cannot be written and throws {@link IllegalArgumentException}; U+0000 in a value (not
 * in a payload) and unpaired surrogates are written as U+FFFD.
 *
 * <p>Thread-safe: no state beyond constants.
 */
public final class SyncMlWbxmlEncoder implements SyncMlEncoder {
    public static final String CONTENT_TYPE = "application/vnd.syncml+wbxml";
    private static final int SWITCH_PAGE_BYTES = 2;

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(SyncMessage message) {
        WbxmlOutput out = new WbxmlOutput(1024);
        WbxmlElementSink sink = WbxmlElementSink.message(out);
        SyncMlWriter.envelopeStart(sink, message.header());
        for (Command c : message.commands()) {
            SyncMlWriter.command(sink, c);
        }
        sink.switchTo(0); // what the last command was charged for, if it ended in another page
        SyncMlWriter.envelopeEnd(sink, message.fin());
        return out.toByteArray();
    }

    @Override
    public int envelopeSize(SyncHeader header, boolean fin) {
        WbxmlOutput out = new WbxmlOutput(256);
        WbxmlElementSink sink = WbxmlElementSink.message(out);
        SyncMlWriter.envelopeStart(sink, header);
        SyncMlWriter.envelopeEnd(sink, fin);
        return out.size();
    }

    @Override
    public int sizeOf(Command command) {
        WbxmlOutput out = new WbxmlOutput(256);
        WbxmlElementSink sink = WbxmlElementSink.message(out); // in SyncBody: code page 0
        SyncMlWriter.command(sink, command);
        return out.size() + (sink.page() == 0 ? 0 : SWITCH_PAGE_BYTES);
    }
}
