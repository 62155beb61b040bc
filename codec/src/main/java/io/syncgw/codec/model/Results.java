package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Results} (RepPro §6.6.12): the answer to a Get. */
public record Results(String cmdId, String msgRef, String cmdRef, Meta meta, List<String> targetRefs,
                      List<String> sourceRefs, List<Item> items) implements Command {
    public Results {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(cmdRef, "cmdRef");
        Objects.requireNonNull(meta, "meta");
        targetRefs = List.copyOf(targetRefs);
        sourceRefs = List.copyOf(sourceRefs);
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Results";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitResults(this);
    }
}
