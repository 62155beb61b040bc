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
 * by the time it is dropped, so it is logged at DEBUG. So is a write to a connection its peer had already closed
 * (broken pipe, connection reset): the driver's pool closing a database connection the server ended first reports
 * one to nobody (seen in CI); whoever still used such a connection got the error itself. Any other dropped error is
 * still logged at ERROR with its stack, as Reactor's default does.
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
        } else if (isPeerGone(e)) {
            LOG.debug("write to a connection its peer had closed, after its sequence had ended: {}", e.toString());
        } else {
            LOG.error("error signalled after its sequence had ended", e);
        }
    }

    /** An I/O error (anywhere in the causes) that says the other end had closed the connection. */
    static boolean isPeerGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset"))) {
                return true;
            }
        }
        return false;
    }

    /** Reactor Netty's request timeout (its exception class is package-private) or a read timeout of the body. */
    static boolean isTimeout(Throwable e) {
        return e instanceof io.netty.handler.timeout.ReadTimeoutException
                || e.getClass().getName().equals("reactor.netty.http.server.RequestTimeoutException");
    }
}
