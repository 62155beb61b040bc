package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code Sync} (RepPro §6.6.15): the changes for one datastore.
 *
 * @param target          the receiving datastore
 * @param source          the sending datastore
 * @param numberOfChanges {@code NumberOfChanges} for the whole package, or null
 * @param commands        Add, Replace, Delete, Copy, Move, Atomic, Sequence (others arrive as UnknownCommand)
 */
public record Sync(String cmdId, boolean noResp, Cred cred, Location target, Location source, Meta meta,
                   Integer numberOfChanges, List<Command> commands) implements Command {
    public Sync {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(meta, "meta");
        commands = List.copyOf(commands);
    }

    @Override
    public String name() {
        return "Sync";
    }

    public String targetUri() {
        return target == null ? null : target.locUri();
    }

    public String sourceUri() {
        return source == null ? null : source.locUri();
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitSync(this);
    }
}
