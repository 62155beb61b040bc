package io.syncgw.gateway;

import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM/SIGINT through the JDK's {@code sun.misc.Signal} (module jdk.unsupported), looked up reflectively
 * because the compiler flags it as internal API. When it is missing, the JVM's default handling (shutdown hooks) is
 * left in place.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Runs {@code action} (on a new thread) when the process receives {@code name} ("TERM", "INT"). */
    static boolean handle(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
                    (p, method, args) -> {
                        if (method.getName().equals("handle")) {
                            new Thread(action, "syncgw-signal-" + name).start();
                            return null;
                        }
                        return method.getName().equals("toString") ? "syncgw " + name + " handler"
                                : method.getName().equals("hashCode") ? System.identityHashCode(p)
                                : (Object) Boolean.valueOf(p == args[0]);
                    });
            Object sig = signal.getConstructor(String.class).newInstance(name);
            signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot handle SIG{} ({}); shutdown hooks will stop the gateway", name, e.toString());
            return false;
        }
    }
}
