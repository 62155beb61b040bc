package io.syncgw.loadtest.harness;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.loadtest.handset.Handset;
import io.syncgw.loadtest.handset.LocalStore;
import io.syncgw.loadtest.handset.Pim;
import io.syncgw.loadtest.handset.ProtocolException;
import io.syncgw.loadtest.handset.SyncRun;
import io.syncgw.loadtest.handset.WireFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Drives handsets over {@link HttpClient}, one exchange after the other: the harness's check that the gateway
 * answers before a simulation starts, and a way to watch one handset's sessions by hand.
 *
 * <pre>java -cp ... io.syncgw.loadtest.harness.Probe URL LOGIN PASSWORD [MAXMSGSIZE] [-v]</pre>
 * runs a first slow sync (20 contacts, one with a 30 KB photo, and an Alert for the calendar), a two-way sync with
 * changes both ways (through a second device of the account), and an idle two-way sync, and prints each session.
 */
public final class Probe {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final boolean verbose;

    public Probe(boolean verbose) {
        this.verbose = verbose;
    }

    /** Runs one session to its end; throws on any failure. */
    public SyncRun run(Handset h, String url, int mode) throws IOException, InterruptedException, ProtocolException {
        SyncRun run = h.startSync(url, mode);
        SyncRun.Request req;
        while ((req = run.request()) != null) {
            if (!req.url().startsWith("http://127.0.0.1") && !req.url().startsWith("http://localhost")) {
                throw new ProtocolException("refusing to send to " + req.url() + ": the load test targets loopback");
            }
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(req.url()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", req.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(req.body())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (verbose) {
                System.out.printf("  %-11s -> %6d B, <- HTTP %d %6d B%n", req.phase(), req.body().length,
                        res.statusCode(), res.body().length);
            }
            run.onReply(res.statusCode(), res.body());
        }
        return run;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Probe URL LOGIN PASSWORD [MAXMSGSIZE] [-v]");
            System.exit(2);
        }
        String url = args[0];
        long max = args.length > 3 && !args[3].startsWith("-") ? Long.parseLong(args[3]) : 150_000;
        boolean verbose = List.of(args).contains("-v");
        Probe p = new Probe(verbose);
        String tag = Long.toString(System.currentTimeMillis(), 36);
        Handset a = new Handset("probe-a-" + tag, args[1], args[2], Handset.Auth.MD5, max, WireFormat.XML);
        LocalStore ca = a.addContacts(true);
        a.addCalendar(true).addLocal(Pim.event(1, 0, true));
        for (int i = 0; i < 20; i++) {
            ca.addLocal(Pim.contact(900_000_000L + i, 0, true, i == 0 ? 30_000 : 0));
        }
        Handset b = new Handset("probe-b-" + tag, args[1], args[2], Handset.Auth.BASIC, max, WireFormat.XML);
        LocalStore cb = b.addContacts(false);
        print("A first slow sync", p.run(a, url, AlertCode.TWO_WAY), a);
        print("B first slow sync", p.run(b, url, AlertCode.TWO_WAY), b);
        for (int i = 0; i < 3; i++) {
            cb.addLocal(Pim.contact(900_100_000L + i, 0, false, 0));
        }
        print("B two-way, 3 up", p.run(b, url, AlertCode.TWO_WAY), b);
        String first = ca.ownItems().get(1);
        ca.modifyLocal(first, Pim.contact(900_000_001L, 1, true, 0));
        ca.deleteLocal(ca.ownItems().get(2));
        print("A two-way, 2 up 3 down", p.run(a, url, AlertCode.TWO_WAY), a);
        print("A idle two-way", p.run(a, url, AlertCode.TWO_WAY), a);
        print("B two-way, 2 down", p.run(b, url, AlertCode.TWO_WAY), b);
        if (ca.size() != cb.size()) {
            throw new IllegalStateException("devices disagree: A has " + ca.size() + ", B has " + cb.size());
        }
        System.out.println("probe ok: both devices hold " + ca.size() + " contacts");
    }

    private static void print(String what, SyncRun r, Handset h) {
        System.out.printf("%-24s exchanges=%d out=%dB in=%dB sent=%d received=%d chunks=%d/%d completed=%s "
                        + "contacts=%d (mode %d) calendar=%s%n", what, r.exchanges(), r.bytesOut(), r.bytesIn(),
                r.itemsSent(), r.itemsReceived(), r.chunksSent(), r.chunksReceived(), r.completed(),
                h.store("contacts").size(), r.serverMode("contacts"),
                h.stores().stream().anyMatch(s -> s.serverUri.equals("calendar"))
                        ? "alert " + r.alertStatus("calendar") : "-");
    }
}
