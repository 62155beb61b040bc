package io.syncgw.codec.model;

import java.util.Objects;

/**
 * {@code SyncHdr} (RepPro §5.2.4).
 *
 * @param version   from VerDTD; the decoder refuses unknown versions
 * @param sessionId {@code SessionID}
 * @param msgId     {@code MsgID}
 * @param target    {@code Target}: the recipient (server URL from a client)
 * @param source    {@code Source}: the sender (device id from a client; LocName often carries the user name)
 * @param respUri   {@code RespURI}, or null
 * @param noResp    {@code NoResp}
 * @param cred      {@code Cred}, or null
 * @param meta      header {@code Meta} (MaxMsgSize, MaxObjSize); {@link Meta#EMPTY} when absent
 */
public record SyncHeader(SyncMlVersion version, String sessionId, String msgId, Location target, Location source,
                         String respUri, boolean noResp, Cred cred, Meta meta) {
    public SyncHeader {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(meta, "meta");
    }
}
