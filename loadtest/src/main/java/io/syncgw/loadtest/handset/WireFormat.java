package io.syncgw.loadtest.handset;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;

/** The two SyncML encodings a handset may speak; replies are decoded by what they look like, not by a header. */
public enum WireFormat {
    XML(new SyncMlXmlEncoder()),
    WBXML(new SyncMlWbxmlEncoder());

    private final SyncMlEncoder encoder;

    WireFormat(SyncMlEncoder encoder) {
        this.encoder = encoder;
    }

    public SyncMlEncoder encoder() {
        return encoder;
    }

    public String contentType() {
        return encoder.contentType();
    }

    /** Decodes a whole reply, XML or WBXML (WBXML starts with its version byte 0x01..0x03). */
    public static SyncMessage decode(byte[] body) throws ProtocolException {
        if (body == null || body.length == 0) {
            throw new ProtocolException("empty reply");
        }
        DecodeResult r;
        if (body[0] >= 1 && body[0] <= 3) {
            SyncMlWbxmlDecoder d = new SyncMlWbxmlDecoder();
            r = d.feed(body, 0, body.length);
            if (r instanceof DecodeResult.NeedMoreInput) {
                r = d.endOfInput();
            }
        } else {
            SyncMlXmlDecoder d = new SyncMlXmlDecoder();
            r = d.feed(body, 0, body.length);
            if (r instanceof DecodeResult.NeedMoreInput) {
                r = d.endOfInput();
            }
        }
        if (r instanceof DecodeResult.Complete c) {
            return c.message();
        }
        throw new ProtocolException("undecodable reply: " + r);
    }
}
