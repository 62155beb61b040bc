package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Copy} (OMA-TS-SyncML_RepPro-V1_2 §6.6). */
public record Copy(String cmdId, boolean noResp, Cred cred, Meta meta, List<Item> items) implements ItemCommand {
    public Copy {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Copy";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitCopy(this);
    }
}
