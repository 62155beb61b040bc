package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Replace} (OMA-TS-SyncML_RepPro-V1_2 §6.6). */
public record Replace(String cmdId, boolean noResp, Cred cred, Meta meta, List<Item> items) implements ItemCommand {
    public Replace {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Replace";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitReplace(this);
    }
}
