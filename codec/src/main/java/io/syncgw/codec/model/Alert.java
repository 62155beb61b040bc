package io.syncgw.codec.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code Alert} (RepPro §6.6.2): a sync-mode request per datastore (200-210) or a flow alert (222 next message,
 * 223 no end of data, 224 suspend, 225 resume).
 *
 * @param code the raw alert code from {@code Data}; see {@link AlertCode}
 */
public record Alert(String cmdId, boolean noResp, Cred cred, int code, String correlator, List<Item> items)
        implements Command {
    public Alert {
        Objects.requireNonNull(cmdId, "cmdId");
        items = List.copyOf(items);
    }

    @Override
    public String name() {
        return "Alert";
    }

    @Override
    public <R> R accept(CommandVisitor<R> visitor) {
        return visitor.visitAlert(this);
    }
}
