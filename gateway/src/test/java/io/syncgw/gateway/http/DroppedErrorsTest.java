package io.syncgw.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.timeout.ReadTimeoutException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/** A request timeout dropped after its 408 is not logged as an error again; other dropped errors still are. */
class DroppedErrorsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(DroppedErrors.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Level level;
    private boolean additive;

    @BeforeEach
    void capture() {
        DroppedErrors.install();
        DroppedErrors.install(); // a second server in the same JVM: still one hook
        level = logger.getLevel();
        additive = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // the deliberate ERROR below stays out of the build's console
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        logger.setLevel(level);
        logger.setAdditive(additive);
    }

    @Test
    void reactorNettysRequestTimeoutIsLoggedAtDebugOnce() throws Exception {
        Class<?> type = Class.forName("reactor.netty.http.server.RequestTimeoutException");
        Method make = type.getDeclaredMethod("requestTimedOut");
        make.setAccessible(true);
        Throwable timeout = (Throwable) make.invoke(null);

        Operators.onErrorDropped(timeout, Context.empty());

        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG);
    }

    @Test
    void aReadTimeoutIsLoggedAtDebugOnce() {
        Operators.onErrorDropped(ReadTimeoutException.INSTANCE, Context.empty());

        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG);
    }

    @Test
    void aWriteToAConnectionItsPeerClosedIsLoggedAtDebugOnce() {
        // as the pool's close of a database connection reported it in CI: wrapped, because nobody subscribed to errors
        Throwable pipe = reactor.core.Exceptions.errorCallbackNotImplemented(
                new java.io.IOException("sendAddress(..) failed with error(-32): Broken pipe"));

        Operators.onErrorDropped(pipe, Context.empty());
        Operators.onErrorDropped(new java.io.IOException("Connection reset by peer"), Context.empty());

        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG, Level.DEBUG);
    }

    @Test
    void anIoErrorOfAnotherKindIsStillAnError() {
        Operators.onErrorDropped(new java.io.IOException("No space left on device"), Context.empty());

        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR);
    }

    @Test
    void anyOtherDroppedErrorIsLoggedOnceAsAnErrorWithItsStack() {
        IllegalStateException bug = new IllegalStateException("late failure");

        Operators.onErrorDropped(bug, Context.empty());

        assertThat(events.list).hasSize(1);
        assertThat(events.list.get(0).getLevel()).isEqualTo(Level.ERROR);
        assertThat(events.list.get(0).getThrowableProxy().getMessage()).isEqualTo("late failure");
    }
}
