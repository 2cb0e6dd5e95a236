package io.nebula.resource.dashboard;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.ResourceHistory;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceBuilder;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceOverviewTest {

    private final Map<String, ManagedResource<?>> declared = new LinkedHashMap<>();
    private final Map<String, ResourceFigures> measured = new LinkedHashMap<>();
    private final ResourceStatistics statistics = name -> {
        ResourceFigures f = measured.get(name);
        if (f == null) {
            throw new IllegalStateException("pool not started");
        }
        return f;
    };

    private void declare(String name, String kind, ResourceScope scope, List<String> dependsOn, ResourceFigures figures) {
        declared.put(name, new Declared(name, kind, scope, dependsOn));
        measured.put(name, figures);
    }

    private static ResourceFigures figures(String name, String kind, ResourceState state, HealthStatus health,
                                           List<String> down, PoolSnapshot pool, Map<String, PoolSnapshot> tenants,
                                           Duration p99, Double errorRate, String circuit) {
        return new ResourceFigures(name, kind, state, health, down, pool, tenants, p99 == null ? 0 : 40,
                Optional.ofNullable(p99), errorRate == null ? OptionalDouble.empty() : OptionalDouble.of(errorRate),
                Optional.ofNullable(circuit));
    }

    @Test
    void listsEveryResourceByNameWithItsMeasuredFigures() {
        declare("orders-db", "h2", ResourceScope.GLOBAL, List.of(), figures("orders-db", "h2", ResourceState.READY,
                HealthStatus.up(), List.of(), new PoolSnapshot(5, 2, 3, 1, 1, 8), Map.of(),
                Duration.ofMillis(12).plusNanos(500_000), 0.25, "half-open"));
        declare("ledger", "h2", ResourceScope.GLOBAL, List.of("orders-db"), figures("ledger", "h2",
                ResourceState.DEGRADED, HealthStatus.down("dependency orders-db is DOWN"), List.of("orders-db"),
                new PoolSnapshot(1, 1, 0, 0, 0, 4), Map.of(), Duration.ofMillis(3), 0.0, "closed"));

        List<ResourceView> views = new ResourceOverview(new Declarations(), statistics).views();

        assertThat(views).extracting(ResourceView::name).containsExactly("ledger", "orders-db");
        ResourceView db = views.get(1);
        assertThat(db.kind()).isEqualTo("h2");
        assertThat(db.scope()).isEqualTo("global");
        assertThat(db.state()).isEqualTo("READY");
        assertThat(db.health()).isEqualTo("UP");
        assertThat(db.healthMessage()).isNull();
        assertThat(db.utilization()).isEqualTo(0.25);
        assertThat(List.of(db.active(), db.idle(), db.pending(), db.max(), db.min())).containsExactly(2, 3, 1, 8, 1);
        assertThat(db.p99AcquisitionMs()).isEqualTo(12.5);
        assertThat(db.errorRate()).isEqualTo(0.25);
        assertThat(db.circuitState()).isEqualTo("HALF_OPEN");
        assertThat(db.tenants()).isEmpty();
        ResourceView ledger = views.get(0);
        assertThat(ledger.health()).isEqualTo("DOWN");
        assertThat(ledger.healthMessage()).isEqualTo("dependency orders-db is DOWN");
        assertThat(ledger.downDependencies()).containsExactly("orders-db");
        assertThat(ledger.dependsOn()).containsExactly("orders-db");
        assertThat(ledger.circuitState()).isEqualTo("CLOSED");
    }

    @Test
    void figuresTheExtensionDoesNotMeasureAreLeftEmptyNotInvented() {
        declare("cache", "local-cache", ResourceScope.GLOBAL, List.of(), figures("cache", "local-cache",
                ResourceState.READY, HealthStatus.up(), List.of(), new PoolSnapshot(1, 0, 1, 0, 1, 1), Map.of(),
                null, null, null));

        ResourceView cache = new ResourceOverview(new Declarations(), statistics).views().get(0);

        assertThat(cache.p99AcquisitionMs()).as("no acquisition yet").isNull();
        assertThat(cache.errorRate()).as("no acquisition yet").isNull();
        assertThat(cache.circuitState()).as("no circuit breaker").isNull();
    }

    @Test
    void aTenantScopedResourceShowsItsTenantsPoolsSummedAndEachOne() {
        declare("tenant-store", "local-cache", ResourceScope.TENANT, List.of(), figures("tenant-store", "local-cache",
                ResourceState.READY, HealthStatus.up(), List.of(), new PoolSnapshot(2, 1, 1, 0, 2, 2),
                Map.of("globex", new PoolSnapshot(1, 0, 1, 0, 1, 1), "acme", new PoolSnapshot(1, 1, 0, 0, 1, 1)),
                Duration.ofNanos(40_000), 0.0, "closed"));

        ResourceView store = new ResourceOverview(new Declarations(), statistics).views().get(0);

        assertThat(store.scope()).isEqualTo("tenant");
        assertThat(store.state()).isEqualTo("READY");
        assertThat(List.of(store.active(), store.idle(), store.max())).containsExactly(1, 1, 2);
        assertThat(store.utilization()).isEqualTo(0.5);
        assertThat(store.tenants()).containsExactly(
                new ResourceView.TenantPool("acme", 1.0, 1, 0, 0, 1),
                new ResourceView.TenantPool("globex", 0.0, 0, 1, 0, 1));
        assertThat(store.p99AcquisitionMs()).isEqualTo(0.04);
    }

    @Test
    void aResourceWhoseFiguresCannotBeReadIsListedDownWithTheReason() {
        declared.put("payments-api", new Declared("payments-api", "http", ResourceScope.GLOBAL, List.of()));

        ResourceView api = new ResourceOverview(new Declarations(), statistics).views().get(0);

        assertThat(api.name()).isEqualTo("payments-api");
        assertThat(api.state()).isEqualTo("UNKNOWN");
        assertThat(api.health()).isEqualTo("DOWN");
        assertThat(api.healthMessage()).contains("IllegalStateException: pool not started");
    }

    /** What the extension's {@link Resources} bean answers, for the resources in {@link #declared}. */
    private final class Declarations implements Resources {
        @Override
        public Set<String> names() {
            return declared.keySet();
        }

        @Override
        public Optional<ManagedResource<?>> find(String name) {
            return Optional.ofNullable(declared.get(name));
        }

        @Override
        public <T> T get(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T get(String name, Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T get(String name, Class<T> type, Map<String, String> overrides) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <R> Lease<R> acquire(String name, Class<R> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <R> Lease<R> acquire(String name, Class<R> type, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResourceBuilder builder(String name) {
            throw new UnsupportedOperationException();
        }
    }

    /** A declaration: its figures come from {@link ResourceStatistics}, so reading them here would be a test bug. */
    private record Declared(String name, String kind, ResourceScope scope, List<String> dependsOn)
            implements ManagedResource<Object> {

        @Override
        public ResourceState state() {
            throw new AssertionError("state is read from ResourceStatistics");
        }

        @Override
        public HealthStatus health() {
            throw new AssertionError("health is read from ResourceStatistics");
        }

        @Override
        public PoolSnapshot pool() {
            throw new AssertionError("the pool is read from ResourceStatistics");
        }

        @Override
        public Lease<Object> acquire() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Lease<Object> acquire(Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResourceHistory history() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResourceHistory history(String tenant) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Anomaly> anomalies() {
            throw new UnsupportedOperationException();
        }
    }
}
