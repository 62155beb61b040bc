package io.syncgw.codec.xml;

import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.model.devinf.DevInf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A device-information document on its own, as syncgw stores it for a device: written with the message encoder's
 * DevInf writer and read back with the message decoder's limits.
 */
public final class DevInfXml {
    private static final SyncMlXmlEncoder ENCODER = new SyncMlXmlEncoder();

    private DevInfXml() {
    }

    public static String write(DevInf devInf) {
        return new String(ENCODER.encodeDevInf(devInf), StandardCharsets.UTF_8);
    }

    /** The document, or empty when it is not a well-formed DevInf within the default limits. */
    public static Optional<DevInf> read(String xml) {
        if (xml == null || xml.isBlank()) {
            return Optional.empty();
        }
        // wrap it in a minimal message so the one decoder (and its limits) reads it
        String doc = "<SyncML><SyncHdr><VerDTD>1.2</VerDTD><SessionID>0</SessionID><MsgID>0</MsgID>"
                + "<Target><LocURI>-</LocURI></Target><Source><LocURI>-</LocURI></Source></SyncHdr><SyncBody>"
                + "<Put><CmdID>1</CmdID><Item><Data>" + xml + "</Data></Item></Put></SyncBody></SyncML>";
        SyncMlXmlDecoder d = new SyncMlXmlDecoder(DecoderLimits.DEFAULT);
        byte[] b = doc.getBytes(StandardCharsets.UTF_8);
        DecodeResult r = d.feed(b, 0, b.length);
        if (r instanceof DecodeResult.NeedMoreInput) {
            r = d.endOfInput();
        }
        if (r instanceof DecodeResult.Complete c
                && c.message().commands().get(0) instanceof io.syncgw.codec.model.Put p
                && !p.items().isEmpty()
                && p.items().get(0).data() instanceof io.syncgw.codec.model.ItemData.DevInfData dd) {
            return Optional.of(dd.devInf());
        }
        return Optional.empty();
    }
}
