package io.syncgw.codec.model;

import java.util.Objects;

/**
 * A command syncgw does not implement (Exec, Search, vendor extensions). Kept so the engine can answer it with
 * 406 (optional feature not supported) instead of silently dropping it.
 */
public record UnknownCommand(String name, String cmdId) implements Command {
    public UnknownCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cmdId, "cmdId");
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitUnknown(this);
    }
}
