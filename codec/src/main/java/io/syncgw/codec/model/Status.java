package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code Status} (RepPro §6.6.14): the result of one command (or of the SyncHdr, {@code cmdRef} "0").
 *
 * @param cmd  the name of the referenced command ("SyncHdr", "Alert", "Add" ...)
 * @param code the raw status code from {@code Data}; see {@link StatusCode}
 */
public record Status(String cmdId, String msgRef, String cmdRef, String cmd, List<String> targetRefs,
                     List<String> sourceRefs, Cred cred, Chal chal, int code, List<Item> items) implements Command {
    public Status {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(msgRef, "msgRef");
        Objects.requireNonNull(cmdRef, "cmdRef");
        Objects.requireNonNull(cmd, "cmd");
        targetRefs = List.copyOf(targetRefs);
        sourceRefs = List.copyOf(sourceRefs);
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Status";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitStatus(this);
    }
}
