package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** HTTPS on the sync port from PEM files: a whole session over TLS, with RespURI in https. */
class TlsIT {

    @Test
    @SuppressWarnings("deprecation") // SelfSignedCertificate: Netty's successor needs an extra test artifact
    void aSessionOverTls() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        Database db = Database.open(TestPostgres.freshDatabase());
        new Migrator(db.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        new AccountAdmin(db).add("tls", "pw").block(Duration.ofSeconds(30));
        try (Gateway g = Gateway.start(Gateway.Settings.loopback(0).withTls(cert.certificate().toPath(),
                cert.privateKey().toPath()), db)) {
            io.netty.handler.ssl.SslContext trustAll = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            HttpClient https = HttpClient.create().secure(spec -> spec.sslContext(trustAll));
            String[] url = {"https://127.0.0.1:" + g.port() + "/sync"};
            TestClient c = new TestClient("tls-dev", "tls", "pw");
            for (int i = 1; i <= 5; i++) {
                c.addLocal("t" + i, Cards.v30(i, 1));
            }
            TestClient.Result r = c.syncOver(AlertCode.SLOW_SYNC, message -> {
                byte[] reply = https.headers(h -> h.set("Content-Type", "application/vnd.syncml+xml"))
                        .post().uri(url[0]).send(ByteBufFlux.fromInbound(Mono.just(message)))
                        .responseSingle((res, body) -> body.asByteArray()).block(Duration.ofSeconds(30));
                String resp = TestClient.roundTrip(reply).header().respUri();
                if (resp != null) {
                    url[0] = resp;
                }
                return reply;
            });
            assertThat(r.completed).as(r.toString()).isTrue();
            assertThat(url[0]).startsWith("https://127.0.0.1:" + g.port() + "/sync?s=");
            int plain = HttpClient.create().get().uri("http://127.0.0.1:" + g.port() + "/healthz")
                    .responseSingle((res, body) -> Mono.just(res.status().code())).onErrorReturn(-1)
                    .block(Duration.ofSeconds(10));
            assertThat(plain).as("plain HTTP on the TLS port").isNotEqualTo(200);
        } finally {
            db.close();
            cert.delete();
        }
    }
}
