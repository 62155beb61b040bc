package io.syncgw.gateway.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.testing.TestClient;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** The test client's messages over real HTTP, following the RespURI the server hands out. */
public final class HttpTransport implements TestClient.Transport {
    private final HttpClient http = HttpClient.create();
    private String url;
    public int lastStatus;

    public HttpTransport(String url) {
        this.url = url;
    }

    @Override
    public byte[] exchange(byte[] message) {
        byte[] reply = http.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.syncml+xml; charset=UTF-8"))
                .post().uri(url)
                .send(ByteBufFlux.fromInbound(Mono.just(message)))
                .responseSingle((res, body) -> {
                    lastStatus = res.status().code();
                    return body.asByteArray();
                })
                .block(Duration.ofSeconds(30));
        SyncMessage decoded = TestClient.roundTrip(reply);
        if (decoded.header().respUri() != null) {
            url = decoded.header().respUri();
        }
        return reply;
    }
}
