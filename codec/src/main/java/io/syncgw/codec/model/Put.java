package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Put} (RepPro §6.6.10): in DS, the sender's device information. */
public record Put(String cmdId, boolean noResp, String lang, Cred cred, Meta meta, List<Item> items)
        implements Command {
    public Put {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Put";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitPut(this);
    }
}
