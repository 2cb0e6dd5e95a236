package io.nebula.resource.it.scenarios;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.it.support.Channel;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Inject @NebulaResource}: a JDBC DataSource (H2, pooled by Agroal) that runs real queries, and a
 * {@code Lease<T>} of a pooled resource that a bean holds for its lifetime.
 * <p>Run on every container: {@link InjectionIT} (Arquillian: Weld, OpenWebBeans, Open Liberty)
 * and {@code InjectionQuarkusTest} (src-it/quarkus).
 */
public abstract class InjectionScenarios {

    @Inject
    Orders orders;

    @Inject
    Instance<Dispatcher> dispatchers;

    @Inject
    Resources resources;

    /**
     * Called first by each test rather than by {@code @BeforeEach}: Arquillian's JUnit 5 adapter does not run
     * {@code @BeforeEach} methods on the embedded containers (Weld, OpenWebBeans: the Local protocol;
     * arquillian-core#861), where the backend's counts are the JVM's, shared by every archive.
     */
    private void resetTheBackend() {
        ChannelBackend.reset();
    }

    @Test
    void theInjectedDataSourceRunsQueriesOnTheConfiguredDatabase() throws Exception {
        resetTheBackend();
        orders.createTable();
        long before = orders.totalCents();
        orders.add("o-" + System.nanoTime(), 1250);
        orders.add("o-" + System.nanoTime(), 750);

        assertThat(orders.totalCents() - before).isEqualTo(2000);
        assertThat(orders.databaseProduct()).isEqualTo("H2");
        assertThat(resources.find("orders-db").orElseThrow().kind()).isEqualTo("h2");
        assertThat(resources.find("orders-db").orElseThrow().state()).isEqualTo(ResourceState.READY);
    }

    @Test
    void aBeansLeaseHoldsOnePooledInstanceUntilTheBeanIsDestroyed() {
        resetTheBackend();
        Dispatcher first = dispatchers.get();
        Dispatcher second = dispatchers.get();
        Lease<Channel> lease = first.lease();

        assertThat(lease.isOpen()).isTrue();
        assertThat(lease.resource()).isEqualTo("jobs");
        assertThat(first.dispatch("invoice")).startsWith("jobs#").endsWith(":invoice");
        assertThat(second.lease().get().id()).as("each bean its own instance").isNotEqualTo(lease.get().id());
        assertThat(active("jobs")).isEqualTo(2);

        Channel firstChannel = lease.get();
        dispatchers.destroy(first);
        dispatchers.destroy(second);

        assertThat(lease.isOpen()).isFalse();
        assertThat(active("jobs")).isZero();
        assertThat(resources.find("jobs").orElseThrow().pool().idle()).as("given back, not thrown away").isEqualTo(2);
        assertThat(firstChannel.isDestroyed()).isFalse();
        assertThat(ChannelBackend.created("jobs")).isEqualTo(2);
        assertThat(ChannelBackend.destroyed("jobs")).isZero();
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
