package io.syncgw.engine.session;

import io.syncgw.codec.model.Chal;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Item;
import io.syncgw.codec.model.Status;
import java.util.List;

/**
 * A Status being prepared. Its code can still change until the message's writes are done: a write that meets a
 * concurrent change turns a 200 into a 419.
 */
final class StatusDraft implements Outgoing {
    final String msgRef;
    final String cmdRef;
    final String cmd;
    final List<String> targetRefs;
    final List<String> sourceRefs;
    Chal chal;
    int code;
    List<Item> items = List.of();

    StatusDraft(String msgRef, String cmdRef, String cmd, List<String> targetRefs, List<String> sourceRefs,
                int code) {
        this.msgRef = msgRef;
        this.cmdRef = cmdRef;
        this.cmd = cmd;
        this.targetRefs = targetRefs;
        this.sourceRefs = sourceRefs;
        this.code = code;
    }

    @Override
    public Command build(String cmdId) {
        return new Status(cmdId, msgRef, cmdRef, cmd, targetRefs, sourceRefs, null, chal, code, items);
    }
}
