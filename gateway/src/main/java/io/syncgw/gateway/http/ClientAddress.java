package io.syncgw.gateway.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import reactor.netty.http.server.HttpServerRequest;

/** The address a request comes from, for rate limits and logs, through a trusted proxy. */
public final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * The peer's address, or, when the peer is a proxy on this host or a private network (loopback, site-local,
     * unique-local: a load balancer, another gateway node), the last address of its {@code X-Forwarded-For} (the one
     * that proxy added; a client's own X-Forwarded-For entries come before it and are not believed).
     */
    public static String of(HttpServerRequest req) {
        InetSocketAddress peer = req.remoteAddress();
        InetAddress a = peer == null ? null : peer.getAddress();
        String ip = a == null ? "unknown" : a.getHostAddress();
        if (a != null && (a.isLoopbackAddress() || a.isSiteLocalAddress()
                || a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc)) {
            String xff = req.requestHeaders().get("X-Forwarded-For");
            if (xff != null) {
                String last = xff.substring(xff.lastIndexOf(',') + 1).strip();
                if (!last.isEmpty() && last.length() <= 45 && last.chars().allMatch(ch -> Character.digit(ch, 16) >= 0
                        || ch == '.' || ch == ':')) {
                    ip = last;
                }
            }
        }
        return ip;
    }
}
