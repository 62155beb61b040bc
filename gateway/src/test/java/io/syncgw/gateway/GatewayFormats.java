package io.syncgw.gateway;

import io.syncgw.gateway.http.SyncHandler;
import java.util.Map;

/** The gateway's wire formats, for tests that assemble a handler themselves. */
public final class GatewayFormats {
    private GatewayFormats() {
    }

    public static Map<String, SyncHandler.WireFormat> all() {
        return Gateway.wireFormats();
    }
}
