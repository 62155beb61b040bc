package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.syncgw.codec.model.AlertCode;
import java.time.Duration;

/**
 * A working day: accounts with 1-4 devices (phones, some old ones at MaxMsgSize 10240, MD5 or basic auth, vCard
 * 2.1 or 3.0) sync two-way with 0-5 changes each way; a few new contacts carry a 20-60 KB photo (large objects
 * both ways for the small phones). Open model: {@code rate} sessions per second for {@code duration}.
 *
 * <p>Phases: registration (each device's first slow sync; the first device of an account brings {@code seed}
 * contacts), the measured working day, convergence (one more sync of every device), the check.
 *
 * <p>Knobs: accounts (200), devices (0: 1-4 per account as above; n: n each), rate (10/s), duration (120 s), seed (30), photoShare (0.03), smallPhones (0.15),
 * basicAuth (0.3), thinkMin/thinkMax (100/600 ms), regUsers (16 registering at once).
 * Checks: per account the server holds what its devices created and kept; after convergence every device holds
 * exactly that.
 */
public class WorkingDaySimulation extends HandsetSimulation {
    {
        int accounts = Knobs.integer("accounts", 200);
        double rate = Knobs.real("rate", 10);
        Duration duration = Knobs.seconds("duration", 120);
        int seed = Knobs.integer("seed", 30);
        double photos = Knobs.real("photoShare", 0.03);
        // 1 device: 40 %, 2: 30 %, 3: 20 %, 4: 10 %
        int fixed = Knobs.integer("devices", 0);
        populate(accounts, a -> {
            if (fixed > 0) {
                return fixed;
            }
            int r = Math.floorMod((a * 7919) ^ runId.hashCode(), 10);
            return r < 4 ? 1 : r < 7 ? 2 : r < 9 ? 3 : 4;
        }, mix(Knobs.real("smallPhones", 0.15), Knobs.real("basicAuth", 0.3), false));
        PopulationBuilder register = registration(d -> {
            if (d.handset.deviceUri.endsWith("-0")) {
                d.addContacts(seed, photos);
            }
        });
        ScenarioBuilder day = scenario("working day").exec(syncSession(idle, d -> d.randomChanges(d.nextInt(6),
                photos), AlertCode.TWO_WAY, true, think(Knobs.integer("thinkMin", 100),
                Knobs.integer("thinkMax", 600))));
        setUp(register
                .andThen(day.injectOpen(constantUsersPerSec(rate).during(duration))
                        .andThen(endOfMeasurement().injectOpen(atOnceUsers(1))
                                .andThen(convergence()
                                        .andThen(serverCheck(() -> contactsCheck(true))
                                                .injectOpen(atOnceUsers(1)))))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }
}
