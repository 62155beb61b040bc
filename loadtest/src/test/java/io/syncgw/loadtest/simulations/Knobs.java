package io.syncgw.loadtest.simulations;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The parameters of a run, from system properties (run.sh passes them; {@code mvn ... gatling:test
 * -Dusers=100} works too). Defaults fit the 2-core development machine. The target is always on this machine:
 * anything but a loopback address is refused.
 */
final class Knobs {
    private Knobs() {
    }

    /** The gateway's sync URL. */
    static String url() {
        String url = System.getProperty("syncgw.url", "http://127.0.0.1:8080/sync");
        String host = URI.create(url).getHost();
        if (host == null || !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"))) {
            throw new IllegalArgumentException("syncgw.url must point at this machine (127.0.0.1): " + url);
        }
        return url;
    }

    /** The gateway's database, for creating accounts and checking what was stored. */
    static String jdbc() {
        String j = System.getProperty("syncgw.jdbc");
        if (j == null || j.isBlank()) {
            throw new IllegalArgumentException("-Dsyncgw.jdbc=jdbc:postgresql://127.0.0.1:PORT/syncgw?user=... is "
                    + "needed (run.sh passes it)");
        }
        return j;
    }

    /** Distinguishes the accounts and devices of this run from those of earlier runs on the same database. */
    static String runId() {
        String id = System.getProperty("syncgw.runId");
        return id != null && !id.isBlank() ? id
                : Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36).toLowerCase(Locale.ROOT);
    }

    static int integer(String name, int dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static double real(String name, double dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : Double.parseDouble(v.trim());
    }

    static boolean flag(String name, boolean dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : Boolean.parseBoolean(v.trim());
    }

    static String string(String name, String dflt) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    static Duration seconds(String name, int dflt) {
        return Duration.ofSeconds(integer(name, dflt));
    }

    /** Where the run's summary files go (run.sh reads them). */
    static String outDir() {
        return string("syncgw.out", "target/loadtest");
    }
}
