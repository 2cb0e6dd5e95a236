package io.nebula.resource.it.scenarios;

import io.nebula.resource.it.support.Archives;
import io.nebula.resource.it.support.Container;
import io.nebula.resource.it.support.OpenWebBeansLog;
import jakarta.enterprise.inject.spi.DefinitionException;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An archive whose configuration is wrong in several ways does not deploy, and the container reports every
 * problem, each under its key, without the secret's value.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConfigurationErrorsIT {

    private static final String SECRET = "hunter2-pw";

    private static final List<String> KEYS = List.of(
            "nebula.resource.orders.pool.max-size",
            "nebula.resource.orders.scope",
            "nebula.resource.orders.password",
            "nebula.resource.reports.kind",
            "nebula.resource.audit.depends-on",
            "nebula.resource.invoices.kind");

    @Deployment(name = "misconfigured", managed = false, testable = false)
    static WebArchive misconfigured() {
        return Archives.application("misconfigured", """
                        nebula.resource.orders.kind=it-channel
                        nebula.resource.orders.pool.max-size=lots
                        nebula.resource.orders.scope=session
                        nebula.resource.orders.password=%s
                        nebula.resource.reports.kind=oracle-db
                        nebula.resource.audit.kind=it-channel
                        nebula.resource.audit.depends-on=ghost
                        """.formatted(SECRET),
                Billing.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void theDeploymentFailsNamingEveryProblemsKey() {
        Throwable failure;
        String openWebBeansLog;
        try (OpenWebBeansLog log = OpenWebBeansLog.record()) {
            failure = catchThrowable(() -> deployer.deploy("misconfigured"));
            openWebBeansLog = log.text();
        }
        // takes away what the attempt left: on Liberty, the archive and its <application> in server.xml
        deployer.undeploy("misconfigured");

        assertThat(failure).as("the misconfigured archive deployed").isNotNull();
        assertThat(messages(failure)).doesNotContain(SECRET);
        // Embedded Weld hands over the extension's exception; Open Liberty reports only its first line
        // through Arquillian and writes the whole of it, every problem, to the server's log; OpenWebBeans throws
        // its own DefinitionException ("Look at logs") and logs the extension's exception.
        String problems;
        if (Container.isOpenWebBeans()) {
            assertThat(Stream.iterate(failure, t -> t != null, Throwable::getCause))
                    .anyMatch(DefinitionException.class::isInstance);
            problems = openWebBeansLog;
        } else {
            assertThat(messages(failure)).contains("DefinitionException");
            problems = Container.isLiberty() ? failedDeploymentRecord(Container.messages()) : messages(failure);
        }
        assertThat(problems).contains("configuration problems")
                .contains(KEYS).contains("'lots'", "'session'", "'oracle-db'", "'ghost'")
                .doesNotContain(SECRET);
        if (Container.isLiberty()) {
            assertThat(Container.messages()).doesNotContain(SECRET);
        }
        if (Container.isOpenWebBeans()) {
            assertThat(openWebBeansLog).doesNotContain(SECRET);
        }
    }

    /** Every message of the throwable and its causes. */
    private static String messages(Throwable failure) {
        return Stream.iterate(failure, t -> t != null, Throwable::getCause)
                .map(t -> t.getClass().getName() + ": " + t.getMessage())
                .collect(Collectors.joining("\n"));
    }

    /** The server's record of the last failed start of the archive: its CWWKZ0002E line and the lines it continues on. */
    private static String failedDeploymentRecord(String log) {
        List<String> lines = log.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("CWWKZ0002E") && lines.get(i).contains("misconfigured")) {
                start = i;
            }
        }
        assertThat(start).as("the server logged the failed start (CWWKZ0002E) of misconfigured").isNotNegative();
        StringBuilder record = new StringBuilder(lines.get(start));
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("["); i++) {
            record.append('\n').append(lines.get(i));
        }
        return record.toString();
    }
}
