package io.syncgw.codec.model;

import java.util.List;

/** The data-manipulation commands that carry items inside a Sync (RepPro §6.6.1 Add ... §6.6.11 Replace). */
public sealed interface ItemCommand extends Command permits Add, Replace, Delete, Copy, Move {

    boolean noResp();

    Cred cred();

    /** Command-level meta (usually the item's MIME type); {@link Meta#EMPTY} when absent. */
    Meta meta();

    List<Item> items();
}
