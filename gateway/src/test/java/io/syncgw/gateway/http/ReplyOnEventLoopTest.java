package io.syncgw.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * A reply produced on another thread (as the engine's replies are, on the thread of their last database call) is
 * sent from the connection's own event loop: {@link SyncHandler#onLoopOf}.
 */
class ReplyOnEventLoopTest {

    @Test
    void aReplyFromAnotherThreadIsSentFromTheConnectionsLoop() {
        List<String> producedOn = new CopyOnWriteArrayList<>();
        List<Boolean> sentOnLoop = new CopyOnWriteArrayList<>();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).compress(1)
                .route(r -> r.post("/sync", (req, res) -> req.receive().aggregate().asString()
                        // the "engine": its reply arrives on a thread that is not the connection's loop
                        .publishOn(Schedulers.boundedElastic())
                        .map(body -> {
                            producedOn.add(Thread.currentThread().getName());
                            return "reply to " + body;
                        })
                        .flatMap(reply -> SyncHandler.onLoopOf(res, reply))
                        .flatMap(reply -> {
                            boolean[] onLoop = new boolean[1];
                            res.withConnection(c -> onLoop[0] = c.channel().eventLoop().inEventLoop());
                            sentOnLoop.add(onLoop[0]);
                            return res.sendString(Mono.just(reply)).then();
                        })))
                .bindNow();
        try {
            HttpClient client = HttpClient.create().host("127.0.0.1").port(server.port()).compress(true);
            for (int i = 0; i < 20; i++) {
                String got = client.post().uri("/sync")
                        .send(reactor.netty.ByteBufFlux.fromString(Mono.just("m" + i), StandardCharsets.UTF_8,
                                io.netty.buffer.ByteBufAllocator.DEFAULT))
                        .responseSingle((head, body) -> body.asString())
                        .block(Duration.ofSeconds(10));
                assertThat(got).isEqualTo("reply to m" + i);
            }
        } finally {
            server.disposeNow();
        }
        assertThat(producedOn).hasSize(20).allSatisfy(t -> assertThat(t).startsWith("boundedElastic"));
        assertThat(sentOnLoop).hasSize(20).containsOnly(true);
    }
}
