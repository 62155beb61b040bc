package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.syncgw.codec.model.AlertCode;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The rows of the target table: how many sessions per second of one shape the gateway sustains.
 * <ul>
 *   <li>{@code kind=idle}: two-way syncs where nothing changed on either side;</li>
 *   <li>{@code kind=standard}: two-way syncs with 15 changes up and 5 down, with Map: accounts have a phone and a
 *       desktop client; a user runs the phone's session (15 changes: 5 deleted, 5 edited, 5 new; it receives the
 *       desktop's 5) and then the desktop's (5 changes: 1 deleted, 3 edited, 1 new; it receives the phone's 15),
 *       so the sessions are 15 up/5 down and 5 up/15 down, 20 changes and a Map each. Each device deletes as many
 *       of its contacts as it adds, so the address book keeps its size ({@code seed} from the phone, 10 from the
 *       desktop) however long the run: the cost of a session may depend on it (the pending-changes query read the
 *       whole datastore before V13; it reads the items above the device's mark now), and a run with warm-up would
 *       otherwise measure bigger books than one without.</li>
 * </ul>
 * Without {@code rate}: closed model, {@code users} handsets syncing back to back (zero think time by default):
 * the peak rate. With {@code rate} (sessions/s): open model at that rate, for the latency at a given load.
 *
 * <p>Knobs: kind (idle), users (32), rate (none), duration (60 s), ramp (10 s), accounts (users * 3 idle, users *
 * 2 standard), seed (40 contacts), thinkMin/thinkMax (0/0 ms), basicAuth (0: MD5, as SyncEvolution; basic auth
 * costs a PBKDF2 check per session), smallPhones (0), warmup (0 s: the same sessions, not measured, before the
 * measured phase, so that a cold gateway's JIT compilation does not count), combinedShare (0: every handset runs
 * SyncEvolution's flow, package 1, 3, 5 and an acknowledgement of 6 — four exchanges for an idle session; 1: every
 * handset sends its changes with package 1 and does not acknowledge package 6 — the target's idle session of two
 * exchanges).
 * Checks: per account the server holds what its devices created and kept.
 */
public class ThroughputSimulation extends HandsetSimulation {
    {
        String kind = Knobs.string("kind", "idle");
        boolean standard = kind.equals("standard");
        if (!standard && !kind.equals("idle")) {
            throw new IllegalArgumentException("kind must be idle or standard: " + kind);
        }
        int users = Knobs.integer("users", 32);
        double rate = Knobs.real("rate", 0);
        int accounts = Knobs.integer("accounts", standard ? users * 2 : users * 3);
        int seed = Knobs.integer("seed", 40);
        populate(accounts, a -> standard ? 2 : 1, mix(Knobs.real("smallPhones", 0), Knobs.real("basicAuth", 0),
                false));
        PopulationBuilder register = registration(d -> {
            if (d.handset.deviceUri.endsWith("-0")) {
                d.addContacts(seed, 0);
            } else if (standard) {
                d.addContacts(10, 0);
            }
        });
        var think = think(Knobs.integer("thinkMin", 0), Knobs.integer("thinkMax", 0));
        // the scenario, measured or not (a warm-up runs the same sessions before the measurement, so that the
        // gateway's JIT has compiled what the measured phase runs)
        java.util.function.Function<Boolean, ScenarioBuilder> scenarioOf;
        if (standard) {
            // a user takes an account (its phone and desktop) and runs both sessions, phone first; the phone is
            // back in the pool only when its desktop is done, so no handset ever runs two sessions at once
            Queue<Device> phones = new ConcurrentLinkedQueue<>();
            Map<String, Device> phoneOf = new ConcurrentHashMap<>();
            Map<String, Device> deskOf = new ConcurrentHashMap<>();
            for (Device d : devices) {
                if (d.handset.deviceUri.endsWith("-0")) {
                    phones.add(d);
                    phoneOf.put(d.login, d);
                } else {
                    deskOf.put(d.login, d);
                }
            }
            scenarioOf = m -> scenario(m ? "standard two-way" : "standard two-way (warm-up)").exec(syncSession(
                    s -> phones.poll(), d -> { }, d -> {
                        // deletes first: an edit or delete of an item added in the same session would not be sent
                        d.deleteContacts(5, 5);
                        d.modifyContacts(5);
                        d.addContacts(5, 0);
                    }, AlertCode.TWO_WAY, m, think).doIf(s -> s.get("device") instanceof Device).then(
                    syncSession(s -> deskOf.get(((Device) s.get("device")).login),
                            d -> phones.add(phoneOf.get(d.login)), d -> {
                                d.deleteContacts(1, 5);
                                d.modifyContacts(3);
                                d.addContacts(1, 0);
                            }, AlertCode.TWO_WAY, m, think)));
        } else {
            scenarioOf = m -> scenario(m ? "idle two-way" : "idle two-way (warm-up)")
                    .exec(syncSession(idle, d -> { }, AlertCode.TWO_WAY, m, think));
        }
        PopulationBuilder measured = afterWarmUp(
                phase(scenarioOf.apply(true), rate, standard, users, Knobs.seconds("duration", 60)),
                length -> phase(scenarioOf.apply(false), rate, standard, users, length));
        setUp(register
                .andThen(measured.andThen(serverCheck(() -> contactsCheck(false)).injectOpen(atOnceUsers(1)))))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L));
    }

    /** Open model at {@code rate} sessions/s, or closed with {@code users} back to back, for {@code length}. */
    private static PopulationBuilder phase(ScenarioBuilder load, double rate, boolean standard, int users,
                                           java.time.Duration length) {
        return rate > 0
                ? load.injectOpen(constantUsersPerSec(standard ? rate / 2 : rate).during(length))
                : load.injectClosed(rampConcurrentUsers(0).to(users).during(Knobs.seconds("ramp", 10)),
                        constantConcurrentUsers(users).during(length));
    }
}
