package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/** {@code Sequence} (RepPro §6.6): a group of commands. */
public record Sequence(String cmdId, boolean noResp, Meta meta, List<Command> commands) implements Command {
    public Sequence {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        commands = List.copyOf(commands);
    }

    @Override
    public String name() {
        return "Sequence";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitSequence(this);
    }
}
