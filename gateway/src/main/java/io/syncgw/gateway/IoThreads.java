package io.syncgw.gateway;

import io.syncgw.gateway.cli.Args;
import io.syncgw.gateway.cli.Args.UsageException;
import java.util.Map;
import java.util.Set;

/**
 * {@code --io-threads N}: the event-loop threads of the HTTP servers, and as many again for the database
 * connections (Reactor Netty's two default loop groups, which the R2DBC driver and the HTTP servers use). Default:
 * half the cores, at least one, where Reactor Netty would take at least four of each: on a small machine that shares
 * its cores with PostgreSQL, more loops than cores cost context switches and cache misses on every hop between a
 * request's loop and its connection's (loadtest/RESULTS.md, tenth round: on 2 cores, one loop of each took the
 * gateway's CPU per standard session down by a third and per idle session by a tenth).
 *
 * <p>The groups are sized when Reactor Netty first loads ({@code reactor.netty.ioWorkerCount}), so the choice is made
 * in {@link Main#main} before anything else; an explicit {@code -Dreactor.netty.ioWorkerCount} wins.
 */
final class IoThreads {
    static final String PROPERTY = "reactor.netty.ioWorkerCount";
    static final int MAX = 1024;

    private IoThreads() {
    }

    /** Half of {@code cores}, at least one. */
    static int defaultCount(int cores) {
        return Math.max(1, cores / 2);
    }

    /** The count {@code args} ask for (or the default); a usage error when out of 1..{@value #MAX}. */
    static int count(Args args) {
        int n = args.intValue("io-threads", defaultCount(Runtime.getRuntime().availableProcessors()));
        if (n < 1 || n > MAX) {
            throw new UsageException("--io-threads must be between 1 and " + MAX + ": " + n);
        }
        return n;
    }

    /**
     * Sets {@value #PROPERTY} from the command line, environment or config file, unless it is set already. Bad
     * options are left for {@link Main#run} to report (this runs before it).
     */
    static void apply(String[] argv, Set<String> flags, Map<String, String> env) {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            System.setProperty(PROPERTY, Integer.toString(count(Args.parse(argv, flags, env))));
        } catch (UsageException e) {
            // reported by Main.run with the usage text
        }
    }

    /** The count in effect (what Reactor Netty reads), for the startup log. */
    static String effective() {
        String set = System.getProperty(PROPERTY);
        return set != null ? set : "Reactor Netty's default";
    }
}
