package io.syncgw.codec.model;

/**
 * A SyncML command (RepPro §6). Sealed, and dispatched through {@link CommandVisitor} so the compiler checks that every
 * consumer handles every kind; commands syncgw does not implement (Exec, Search, vendor ones) arrive as {@link UnknownCommand}.
 */
public sealed interface Command
        permits Alert, ItemCommand, Get, Put, Results, Status, Sync, MapCommand, Atomic, Sequence, UnknownCommand {

    /** {@code CmdID}: unique within the message; referenced by the Status that answers it. */
    String cmdId();

    /** The element name, as written in {@code Status/Cmd} ("Alert", "Add", "SyncHdr" is not a command). */
    String name();

    /** Double dispatch to the visitor method for this command's type. */
    <R> R accept(CommandVisitor<R> visitor);
}
