package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Get} (RepPro §6.6.7): in DS, a request for the peer's device information. */
public record Get(String cmdId, boolean noResp, String lang, Cred cred, Meta meta, List<Item> items)
        implements Command {
    public Get {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Get";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitGet(this);
    }
}
