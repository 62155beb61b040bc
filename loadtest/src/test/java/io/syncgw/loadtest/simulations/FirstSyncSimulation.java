package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.syncgw.codec.model.AlertCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * First-time registration: new phones, each on its own new account, slow-sync their 200 contacts and 50 events.
 * Calendar is not served yet (its Alert gets 404, the contacts sync goes on): the handset alerts it anyway and
 * uploads the events once the server accepts the Alert. Closed model: {@code users} handsets registering at any
 * moment, for {@code duration}; sessions/s here is the first-sync capacity.
 *
 * <p>Knobs: users (12), duration (60 s), ramp (5 s), accounts (3000: handsets available; each registers once),
 * contacts (200), events (50), photoShare (0), smallPhones (0.1), basicAuth (0.2), thinkMin/thinkMax (50/200 ms),
 * warmup (0 s: first syncs of other handsets, not measured, before the measured phase, so that the gateway's JIT
 * compilation does not count; they use up accounts too, so raise {@code accounts} with it).
 * Checks: every handset that registered completed, and its account holds exactly its contacts (and its events when
 * calendar is served).
 */
public class FirstSyncSimulation extends HandsetSimulation {
    private final int contacts = Knobs.integer("contacts", 200);
    private final int events = Knobs.integer("events", 50);
    private final Queue<Device> registered = new ConcurrentLinkedQueue<>();

    {
        int users = Knobs.integer("users", 12);
        Duration duration = Knobs.seconds("duration", 60);
        Duration ramp = Knobs.seconds("ramp", 5);
        double photos = Knobs.real("photoShare", 0.0);
        populate(Knobs.integer("accounts", 3000), a -> 1,
                mix(Knobs.real("smallPhones", 0.1), Knobs.real("basicAuth", 0.2), true));
        var think = think(Knobs.integer("thinkMin", 50), Knobs.integer("thinkMax", 200));
        java.util.function.Function<Boolean, ScenarioBuilder> first = measured -> scenario(
                measured ? "first sync" : "first sync (warm-up)").exec(syncSession(idle, registered, d -> {
                    d.addContacts(contacts, photos);
                    d.addEvents(events);
                }, AlertCode.SLOW_SYNC, measured, think));
        java.util.function.BiFunction<Boolean, Duration, PopulationBuilder> phase = (measured, length) -> first
                .apply(measured).injectClosed(rampConcurrentUsers(0).to(users).during(ramp),
                        constantConcurrentUsers(users).during(length));
        PopulationBuilder load = afterWarmUp(phase.apply(true, duration), length -> phase.apply(false, length));
        setUp(load.andThen(serverCheck(this::check).injectOpen(atOnceUsers(1))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }

    private String check() {
        Map<String, Map<String, Integer>> server = serverItems();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (Device d : registered) {
            n++;
            Map<String, Integer> got = server.getOrDefault(d.login, Map.of());
            boolean calendarServed = !d.handset.store("calendar").notServed();
            int wantEvents = calendarServed ? events : 0;
            if (got.getOrDefault("contacts", 0) != contacts || got.getOrDefault("calendar", 0) != wantEvents
                    || d.contacts().pendingChanges() != 0) {
                problems.add(d.login + ": server has " + got + ", expected " + contacts + " contacts and "
                        + wantEvents + " events");
            }
        }
        System.out.printf("loadtest: %d handsets registered, %d contacts each%n", n, contacts);
        if (n == 0) {
            return "no handset registered";
        }
        return problems.isEmpty() ? "ok" : problems.size() + " mismatches, e.g. "
                + String.join("; ", problems.subList(0, Math.min(5, problems.size())));
    }
}
