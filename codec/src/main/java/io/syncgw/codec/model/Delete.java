package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Delete} (RepPro §6.6.5), with its {@code Archive} and {@code SftDel} flags. */
public record Delete(String cmdId, boolean noResp, boolean archive, boolean softDelete, Cred cred, Meta meta,
                     List<Item> items) implements ItemCommand {
    public Delete {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Delete";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitDelete(this);
    }
}
