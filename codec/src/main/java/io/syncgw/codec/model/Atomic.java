package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Atomic} (RepPro §6.6): a group of commands. */
public record Atomic(String cmdId, boolean noResp, Meta meta, List<Command> commands) implements Command {
    public Atomic {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        commands = List.copyOf(commands);
    }

    @Override
    public String name() {
        return "Atomic";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitAtomic(this);
    }
}
