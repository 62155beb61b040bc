package io.syncgw.codec;

import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;

/**
 * Encodes messages in one wire format, and tells exactly how many bytes a message will take so a sender can fill a
 * reply up to the peer's MaxMsgSize without overshooting.
 *
 * <p>Contract: {@code encode(m).length == envelopeSize(m.header(), m.fin()) + sum(sizeOf(c) for c in m.commands())}.
 */
public interface SyncMlEncoder {

    /** The MIME type of the encoding, e.g. {@code application/vnd.syncml+xml}. */
    String contentType();

    byte[] encode(SyncMessage message);

    /** Bytes of everything in a message but its commands: declaration, header, body tags, Final. */
    int envelopeSize(SyncHeader header, boolean fin);

    /** Bytes {@code command} adds to a message body. */
    int sizeOf(Command command);
}
