package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code Map} (RepPro §6.6.8): the client tells the server which local ids (LUIDs) it gave the items the server
 * added. Named MapCommand so it does not shadow {@link java.util.Map}.
 */
public record MapCommand(String cmdId, Location target, Location source, Cred cred, Meta meta, List<MapItem> items)
        implements Command {
    public MapCommand {
        Objects.requireNonNull(cmdId, "cmdId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Map";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitMap(this);
    }
}
