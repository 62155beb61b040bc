package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.loadtest.handset.SyncRun;
import java.time.Duration;
import java.util.function.Function;

/**
 * Memory per session: {@code handsets} phones (10,000) each open a session (package 1 answered: authenticated,
 * anchors loaded, the session held by the gateway) and then stay silent for {@code hold} seconds before sending
 * their changes, as a phone whose user is asked to confirm, or whose radio drops to a slow cell. They start over
 * {@code ramp} seconds, and the hold outlasts the ramp, so for a while every one of them is mid-session: the
 * simulation marks that moment (file {@code plateau} in the output folder), and run.sh then measures the gateway's
 * heap after a full GC and its RSS. Every session then completes (one change up each).
 *
 * <p>Knobs: handsets (10000), ramp (90 s), hold (ramp + 45 s; below the gateway's 5-minute session timeout),
 * seed (5), regUsers (16 registering at once), smallPhones (0.2), basicAuth (0.3).
 * Checks: zero failures, every session completed, and per account the server holds what its handset created.
 */
public class IdleHandsetsSimulation extends HandsetSimulation {
    {
        int handsets = Knobs.integer("handsets", 10_000);
        int ramp = Knobs.integer("ramp", 90);
        int hold = Knobs.integer("hold", ramp + 45);
        int seed = Knobs.integer("seed", 5);
        populate(handsets, a -> 1, mix(Knobs.real("smallPhones", 0.2), Knobs.real("basicAuth", 0.3), false));
        PopulationBuilder register = registration(d -> d.addContacts(seed, 0));
        Function<SyncRun, Duration> think = r -> {
            if (r.exchanges() == 1) {
                stats.plateau(handsets); // the last one to get here completes the plateau
                return Duration.ofSeconds(hold);
            }
            return Duration.ofMillis(100 + java.util.concurrent.ThreadLocalRandom.current().nextInt(200));
        };
        ScenarioBuilder idleSessions = scenario("idle handsets").exec(syncSession(idle, d -> d.addContacts(1, 0),
                AlertCode.TWO_WAY, true, think));
        setUp(register
                .andThen(idleSessions.injectOpen(rampUsers(handsets).during(atLeastOneSecond(ramp)))
                        .andThen(serverCheck(this::check).injectOpen(atOnceUsers(1)))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }

    private String check() {
        if (stats.sessionsCompleted.get() != stats.sessionsStarted.get()) {
            return stats.sessionsCompleted.get() + " of " + stats.sessionsStarted.get() + " sessions completed";
        }
        if (stats.peakLive.get() < devices.size()) {
            return "only " + stats.peakLive.get() + " of " + devices.size() + " handsets were mid-session at once";
        }
        return contactsCheck(false);
    }
}
