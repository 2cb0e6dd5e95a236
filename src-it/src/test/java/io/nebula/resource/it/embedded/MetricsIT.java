package io.nebula.resource.it.embedded;

import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.Archives;
import io.nebula.resource.it.support.Channel;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension's figures in the application's MicroProfile Metrics registry on the embedded containers (Weld,
 * OpenWebBeans), with SmallRye Metrics, the implementation an application on them would add: acquisitions counted
 * by resource, tenant and outcome, the active gauge read while a lease is held. On Open Liberty,
 * {@code liberty/ObservabilityIT} reads the same figures from the server's {@code /metrics}.
 */
@ExtendWith(ArquillianExtension.class)
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class MetricsIT {

    @Deployment
    static WebArchive application() {
        return Archives.application("metrics", """
                        nebula.resource.metered.kind=it-channel
                        nebula.resource.metered.pool.max-size=2
                        """,
                MetricsIT.class); // SmallRye Metrics' own extension adds its registry producer
    }

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Test
    void acquisitionsAreCountedByResourceAndTenantAndTheActiveGaugeIsRead() {
        // the registries are the JVM's, shared by the archives before this one: a tenant of this test's own
        String tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        try (ScopeHandle acme = contexts.enter(tenant, null, null, null)) {
            resources.acquire("metered", Channel.class).close();
            try (Lease<Channel> held = resources.acquire("metered", Channel.class)) {
                Gauge<?> active = registry.getGauges().get(id("nebula.resource.active", "resource", "metered", "tenant", "none"));
                assertThat(active).as("gauges: " + registry.getGauges().keySet()).isNotNull();
                assertThat(active.getValue().intValue()).isEqualTo(1);
            }
        }
        Counter success = registry.getCounters().get(id("nebula.resource.acquisitions", "resource", "metered", "tenant", tenant,
                "outcome", "success"));
        assertThat(success).as("counters: " + registry.getCounters().keySet()).isNotNull();
        assertThat(success.getCount()).isEqualTo(2);
    }

    private static MetricID id(String name, String... tags) {
        Tag[] t = new Tag[tags.length / 2];
        for (int i = 0; i < t.length; i++) {
            t[i] = new Tag(tags[2 * i], tags[2 * i + 1]);
        }
        return new MetricID(name, t);
    }
}
