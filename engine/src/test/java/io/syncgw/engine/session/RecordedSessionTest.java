package io.syncgw.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.Alert;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Results;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.Sync;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * The client side of a real recorded SyncEvolution session (traces/A1: first slow sync of contacts, calendar and
 * tasks, MD5 with an empty nonce, user test/test, device "tA") replayed against the engine message by message. The
 * recorded statuses refer to the other server's command ids and are ignored as unknown; everything else must be
 * answered as the protocol says.
 */
class RecordedSessionTest {
    private static final String A1 = "/traces/A1-xml-md5-first-slow-sync/";

    private static SyncMessage recorded(String file) {
        try (InputStream in = RecordedSessionTest.class.getResourceAsStream(A1 + file)) {
            return TestClient.roundTrip(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Integer> statusesByCmd(SyncMessage reply, String cmd) {
        return reply.commands().stream().filter(c -> c instanceof Status s && s.cmd().equals(cmd))
                .map(c -> (Status) c)
                .collect(Collectors.toMap(s -> s.targetRefs().isEmpty() ? s.cmdRef() : s.targetRefs().get(0),
                        Status::code, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void firstSlowSyncOfSyncEvolution() {
        InMemorySyncStore store = new InMemorySyncStore();
        store.addAccount("test", "test");
        SyncEngine engine = new SyncEngine(EngineConfig.DEFAULT, store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), Schedulers.immediate());
        SyncSession session = engine.newSession("http://127.0.0.1:9300/syncevolution?s=t");
        Duration t = Duration.ofSeconds(10);

        // package 1: devinf Put and Get, slow-sync alerts for calendar, contacts, tasks
        SyncMessage r1 = session.handle(recorded("syncevolution-log_trm001_001_outgoing.xml")).block(t).message();
        assertThat(statusesByCmd(r1, "SyncHdr")).containsValue(212);
        Status hdr = (Status) r1.commands().get(0);
        assertThat(hdr.chal().meta().type()).isEqualTo("syncml:auth-md5");
        assertThat(hdr.chal().meta().nextNonce()).isNotBlank();
        assertThat(statusesByCmd(r1, "Alert")).containsExactly(Map.entry("calendar", 200),
                Map.entry("contacts", 200), Map.entry("tasks", 200));
        assertThat(r1.commands()).filteredOn(c -> c instanceof Results).hasSize(1);
        List<Alert> alerts = r1.commands().stream().filter(c -> c instanceof Alert).map(c -> (Alert) c).toList();
        assertThat(alerts).extracting(a -> a.items().get(0).targetUri())
                .containsExactly("./calendar", "./contacts", "./tasks");
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.code()).isEqualTo(201);
            assertThat(a.items().get(0).meta().anchor().next()).isNotBlank();
        });
        assertThat(r1.header().respUri()).isEqualTo("http://127.0.0.1:9300/syncevolution?s=t");
        assertThat(r1.fin()).isTrue();
        assertThat(store.device("tA").devInf).contains("SyncEvolution");

        // package 3: five vCards, three events (iCalendar 2.0) and two tasks
        SyncMessage r2 = session.handle(recorded("syncevolution-log_trm002_003_outgoing.xml")).block(t).message();
        assertThat(statusesByCmd(r2, "Sync")).containsEntry("contacts", 200).containsEntry("calendar", 200)
                .containsEntry("tasks", 200);
        assertThat(r2.commands().stream().filter(c -> c instanceof Status s && s.cmd().equals("Add"))
                .map(c -> ((Status) c).code()).collect(Collectors.groupingBy(c -> c, Collectors.counting())))
                .containsOnly(Map.entry(201, 10L));
        List<Command> syncs = r2.commands().stream().filter(c -> c instanceof Sync).toList();
        assertThat(syncs).hasSize(3).allSatisfy(c -> {
            Sync s = (Sync) c;
            assertThat(s.numberOfChanges()).isZero();
            assertThat(s.commands()).isEmpty();
        });
        assertThat(r2.fin()).isTrue();
        assertThat(store.liveItems("test", "contacts")).hasSize(5);
        assertThat(store.liveItems("test", "calendar")).hasSize(3)
                .allSatisfy(i -> assertThat(i.content).contains("BEGIN:VEVENT").contains("VERSION:2.0"));
        assertThat(store.liveItems("test", "tasks")).hasSize(2).allSatisfy(i -> assertThat(i.content).contains("BEGIN:VTODO"));

        // package 5: statuses only; the session completes and the anchors are committed
        Effect.Reply r3 = session.handle(recorded("syncevolution-log_trm003_005_outgoing.xml")).block(t);
        assertThat(r3.outcome()).isEqualTo(Effect.Outcome.COMPLETED);
        assertThat(r3.message().fin()).isTrue();
        assertThat(store.loadAnchors(store.device("tA").id).block(t)).containsOnlyKeys("contacts", "calendar", "tasks");
        // the session's one line in the log: who, and per datastore the mode and the items each way
        assertThat(SessionMachine.completeLine(session.state(), r3.message().header().msgId(),
                session.state().startedAt.plusMillis(1234)))
                .isEqualTo("session " + r3.message().header().sessionId() + ": sync complete for device 'tA' of "
                        + "account 'test' (slot 1), 3 messages in 1234 ms: calendar SLOW, 3 in, 0 out; contacts SLOW,"
                        + " 5 in, 0 out; tasks SLOW, 2 in, 0 out");

        // the client's closing acknowledgement is answered without asking for another
        Effect.Reply r4 = session.handle(recorded("syncevolution-log_trm004_007_outgoing.xml")).block(t);
        assertThat(r4.message().header().noResp()).isTrue();
        assertThat(r4.outcome()).isEqualTo(Effect.Outcome.COMPLETED);

        // a resent message gets the same reply and changes nothing
        int writes = store.writeCount();
        Effect.Reply again = session.handle(recorded("syncevolution-log_trm004_007_outgoing.xml")).block(t);
        assertThat(again.message()).isEqualTo(r4.message());
        assertThat(store.writeCount()).isEqualTo(writes);
    }
}
