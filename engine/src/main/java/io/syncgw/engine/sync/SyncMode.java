package io.syncgw.engine.sync;

import io.syncgw.codec.model.AlertCode;
import java.util.Optional;

/** The sync types of OMA-TS-DS_Protocol-V1_2 §4, and what each means for the direction of data. */
public enum SyncMode {
    TWO_WAY(AlertCode.TWO_WAY, true, true),
    SLOW(AlertCode.SLOW_SYNC, true, true),
    ONE_WAY_FROM_CLIENT(AlertCode.ONE_WAY_FROM_CLIENT, true, false),
    REFRESH_FROM_CLIENT(AlertCode.REFRESH_FROM_CLIENT, true, false),
    ONE_WAY_FROM_SERVER(AlertCode.ONE_WAY_FROM_SERVER, false, true),
    REFRESH_FROM_SERVER(AlertCode.REFRESH_FROM_SERVER, false, true);

    private final int code;
    private final boolean clientSends;
    private final boolean serverSends;

    SyncMode(int code, boolean clientSends, boolean serverSends) {
        this.code = code;
        this.clientSends = clientSends;
        this.serverSends = serverSends;
    }

    public int code() {
        return code;
    }

    /** The client sends its changes (or all its items) in this mode. */
    public boolean clientSends() {
        return clientSends;
    }

    /** The server sends changes (or all items) in this mode. */
    public boolean serverSends() {
        return serverSends;
    }

    /** The client sends all its items, which are matched against the server's rather than taken as changes. */
    public boolean clientSendsAll() {
        return this == SLOW || this == REFRESH_FROM_CLIENT;
    }

    /** Needs the anchors of the last sync to match. */
    public boolean needsAnchors() {
        return this == TWO_WAY || this == ONE_WAY_FROM_CLIENT || this == ONE_WAY_FROM_SERVER;
    }

    /** The mode an Alert code asks for; server-alerted codes (206-210) map to their client-initiated twins. */
    public static Optional<SyncMode> ofAlert(int code) {
        int c = switch (code) {
            case 206 -> AlertCode.TWO_WAY;
            case 207 -> AlertCode.ONE_WAY_FROM_CLIENT;
            case 208 -> AlertCode.REFRESH_FROM_CLIENT;
            case 209 -> AlertCode.ONE_WAY_FROM_SERVER;
            case 210 -> AlertCode.REFRESH_FROM_SERVER;
            default -> code;
        };
        for (SyncMode m : values()) {
            if (m.code == c) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
