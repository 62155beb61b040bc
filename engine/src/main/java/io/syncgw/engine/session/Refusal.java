package io.syncgw.engine.session;

import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Location;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.SyncHeader;
import io.syncgw.codec.model.SyncMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply that refuses a whole message with one status code: on the header and on every command that needs a
 * status (RepPro §6.6.14). Used where no session can answer normally: an unknown session token, a store outage, a
 * bug, a message that does not belong to its session.
 */
public final class Refusal {
    private Refusal() {
    }

    /**
     * @param msgId   the reply's MsgID
     * @param respUri where the client should send its next message, or null
     * @param meta    the reply header's meta (MaxMsgSize...), {@link Meta#EMPTY} for none
     */
    public static SyncMessage of(SyncMessage msg, int code, String msgId, String respUri, Meta meta) {
        SyncHeader h = msg.header();
        List<Command> cmds = new ArrayList<>();
        cmds.add(new Status("1", h.msgId(), "0", "SyncHdr", List.of(h.target().locUri()), List.of(h.source().locUri()),
                null, null, code, List.of()));
        int id = 2;
        for (Command c : msg.commands()) {
            if (!(c instanceof Status)) {
                cmds.add(new Status(Integer.toString(id++), h.msgId(), c.cmdId(), c.name(), List.of(), List.of(), null,
                        null, code, List.of()));
            }
        }
        SyncHeader reply = new SyncHeader(h.version(), h.sessionId(), msgId, h.source(),
                Location.of(h.target().locUri()), respUri, false, null, meta);
        return new SyncMessage(reply, cmds, true);
    }
}
