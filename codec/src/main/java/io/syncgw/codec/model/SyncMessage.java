package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/**
 * One SyncML message: header, the commands of its body in order, and whether it ends a package ({@code Final}).
 */
public record SyncMessage(SyncHeader header, List<Command> commands, boolean fin) {
    public SyncMessage {
        Objects.requireNonNull(header, "header");
        commands = List.copyOf(commands);
    }
}
