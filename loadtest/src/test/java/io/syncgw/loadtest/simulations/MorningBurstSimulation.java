package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.syncgw.codec.model.AlertCode;

/**
 * The morning burst: commuters' phones all sync between 7 and 9, over slow mobile networks. Closed model: the
 * number of handsets in a session at the same moment ramps to {@code users} (at least 5,000) and holds there; each
 * session is a two-way sync with 0-2 changes (most phones have none), with 3-9 s between its messages (radio
 * wake-up, GPRS/3G round trips, the phone's own processing). The population is 20 % larger than {@code users}, so a
 * finishing handset is replaced by another.
 *
 * <p>Knobs: users (5000), ramp (120 s), hold (60 s), thinkMin/thinkMax (3000/9000 ms), seed (10 contacts per
 * handset at registration), smallPhones (0.2), basicAuth (0.3), regUsers (16 registering at once).
 * Checks: per account the server holds what its handset created and kept.
 */
public class MorningBurstSimulation extends HandsetSimulation {
    {
        int users = Knobs.integer("users", 5000);
        int handsets = Knobs.integer("handsets", users + users / 5);
        int seed = Knobs.integer("seed", 10);
        populate(handsets, a -> 1, mix(Knobs.real("smallPhones", 0.2), Knobs.real("basicAuth", 0.3), false));
        PopulationBuilder register = registration(d -> d.addContacts(seed, 0));
        ScenarioBuilder burst = scenario("morning burst").exec(syncSession(idle, d -> {
            int r = d.nextInt(10);
            d.randomChanges(r < 7 ? 0 : r < 9 ? 1 : 2, 0);
        }, AlertCode.TWO_WAY, true, think(Knobs.integer("thinkMin", 3000), Knobs.integer("thinkMax", 9000))));
        setUp(register
                .andThen(burst.injectClosed(
                                rampConcurrentUsers(0).to(users).during(Knobs.seconds("ramp", 120)),
                                constantConcurrentUsers(users).during(Knobs.seconds("hold", 60)))
                        .andThen(serverCheck(() -> contactsCheck(false)).injectOpen(atOnceUsers(1)))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }

}
