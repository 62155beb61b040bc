package io.syncgw.codec.model;

/**
 * One method per command type. Java 17 has no exhaustive pattern switch, so this is how the compiler checks that a
 * consumer of {@link Command} handles every kind: adding a command type breaks every visitor until it is handled.
 */
public interface CommandVisitor<R> {
    R visitAlert(Alert c);

    R visitAdd(Add c);

    R visitReplace(Replace c);

    R visitDelete(Delete c);

    R visitCopy(Copy c);

    R visitMove(Move c);

    R visitGet(Get c);

    R visitPut(Put c);

    R visitResults(Results c);

    R visitStatus(Status c);

    R visitSync(Sync c);

    R visitMap(MapCommand c);

    R visitAtomic(Atomic c);

    R visitSequence(Sequence c);

    R visitUnknown(UnknownCommand c);
}
