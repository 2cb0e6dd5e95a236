package io.nebula.resource.it.scenarios;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.it.support.Channel;
import io.nebula.resource.it.support.ChannelBackend;
import io.nebula.resource.it.support.ChannelProvider;
import io.nebula.resource.spi.ResourceProvider;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Configuration errors on Quarkus fail the build, every problem under its key and no secret in the message: the
 * same configuration as {@link ConfigurationErrorsIT}'s, checked by the build compatible extension at build time.
 */
class ConfigurationErrorsQuarkusTest {

    private static final String SECRET = "hunter2-pw";

    private static final List<String> KEYS = List.of(
            "nebula.resource.orders.pool.max-size",
            "nebula.resource.orders.scope",
            "nebula.resource.orders.password",
            "nebula.resource.reports.kind",
            "nebula.resource.audit.depends-on",
            "nebula.resource.invoices.kind");

    @RegisterExtension
    static final QuarkusUnitTest APPLICATION = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Billing.class, Channel.class, ChannelBackend.class, ChannelProvider.class)
                    .addAsServiceProvider(ResourceProvider.class, ChannelProvider.class))
            .overrideConfigKey("quarkus.arc.exclude-types", "io.nebula.resource.it.scenarios.NoSuchType")
            .overrideConfigKey("nebula.resource.orders.kind", "it-channel")
            .overrideConfigKey("nebula.resource.orders.pool.max-size", "lots")
            .overrideConfigKey("nebula.resource.orders.scope", "session")
            .overrideConfigKey("nebula.resource.orders.password", SECRET)
            .overrideConfigKey("nebula.resource.reports.kind", "oracle-db")
            .overrideConfigKey("nebula.resource.audit.kind", "it-channel")
            .overrideConfigKey("nebula.resource.audit.depends-on", "ghost")
            .assertException(thrown -> {
                Throwable cause = thrown;
                // by name: the build threw it from its own class loader
                while (cause != null && !cause.getClass().getName().equals(ConfigurationInvalidException.class.getName())) {
                    cause = cause.getCause() != null ? cause.getCause() : first(cause.getSuppressed());
                }
                if (cause == null) {
                    fail("no ConfigurationInvalidException in", thrown);
                }
                assertThat(cause.getMessage()).contains(KEYS).doesNotContain(SECRET);
            });

    private static Throwable first(Throwable[] suppressed) {
        return suppressed.length == 0 ? null : suppressed[0];
    }

    @Test
    void theBuildFailsNamingEveryProblemsKey() {
        fail("the application must not have been built");
    }
}
