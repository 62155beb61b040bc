package io.syncgw.gateway.http;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * What happens to an error signalled after the sequence it belongs to has ended (Reactor's "dropped" errors).
 *
 * <p>When a request body times out, the sync handler answers 408 and logs it; Reactor Netty's timeout also reaches
 * the request's inbound after the handler has ended it, and Reactor's default logged that as an ERROR ("Operator
 * called default onErrorDropped": once per 408 in HostileInputIT's slow connections) — one slow client, two log
 * lines, one of them an error an operator would be paged for. A timeout has been answered (or its connection closed)
 * by the time it is dropped, so it is logged at DEBUG; any other dropped error is still logged at ERROR with its
 * stack, as Reactor's default does.
 */
final class DroppedErrors {
    private static final Logger LOG = LoggerFactory.getLogger(DroppedErrors.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private DroppedErrors() {
    }

    /** Installs the hook once per JVM (Reactor composes hooks: a second one would log every error twice). */
    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Hooks.onErrorDropped(DroppedErrors::dropped);
        }
    }

    static void dropped(Throwable e) {
        if (isTimeout(e)) {
            LOG.debug("request timeout signalled again after its answer: {}", e.toString());
        } else {
            LOG.error("error signalled after its sequence had ended", e);
        }
    }

    /** Reactor Netty's request timeout (its exception class is package-private) or a read timeout of the body. */
    static boolean isTimeout(Throwable e) {
        return e instanceof io.netty.handler.timeout.ReadTimeoutException
                || e.getClass().getName().equals("reactor.netty.http.server.RequestTimeoutException");
    }
}
