package io.syncgw.engine.session;

import io.syncgw.codec.model.Command;

/**
 * A command waiting for a place in a reply. Its CmdID is only known when it is packed (CmdIDs count within a
 * message), so it is built then.
 */
interface Outgoing {
    Command build(String cmdId);
}
