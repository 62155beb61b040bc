package io.syncgw.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped logging configurations load without a single warning: a broken file would leave an operator without
 * logs (logback reports parse errors only on the console it fails to configure).
 */
class LogConfigurationTest {

    @ParameterizedTest
    @ValueSource(strings = {"logback.xml", "logback-json.xml"})
    void loadsCleanly(String name) throws Exception {
        URL url = getClass().getClassLoader().getResource(name);
        assertThat(url).as(name + " on the class path").isNotNull();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(url);
        List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).toList();
        assertThat(problems).as(name).isEmpty();
        assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).as(name + " has an appender").isTrue();
        context.stop();
    }
}
