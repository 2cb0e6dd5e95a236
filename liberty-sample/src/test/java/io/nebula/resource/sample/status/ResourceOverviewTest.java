package io.nebula.resource.sample.status;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceBuilder;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceOverviewTest {

    private final Map<String, ManagedResource<?>> declared = new LinkedHashMap<>();

    @Test
    void listsEveryResourceByNameWithItsFigures() {
        declared.put("orders-db", new Declared("orders-db", "h2", ResourceScope.GLOBAL, List.of(),
                ResourceState.READY, HealthStatus.up(), new PoolSnapshot(5, 2, 3, 1, 1, 8)));
        declared.put("ledger", new Declared("ledger", "h2", ResourceScope.TENANT, List.of("orders-db"),
                ResourceState.DEGRADED, HealthStatus.degraded("slow"), new PoolSnapshot(1, 1, 0, 0, 0, 4)));

        List<ResourceView> views = new ResourceOverview(new Declarations()).views();

        assertThat(views).extracting(ResourceView::name).containsExactly("ledger", "orders-db");
        ResourceView db = views.get(1);
        assertThat(db.kind()).isEqualTo("h2");
        assertThat(db.scope()).isEqualTo("global");
        assertThat(db.state()).isEqualTo("READY");
        assertThat(db.health()).isEqualTo("UP");
        assertThat(db.healthMessage()).isNull();
        assertThat(db.utilization()).isEqualTo(0.25);
        assertThat(List.of(db.active(), db.idle(), db.pending(), db.max())).containsExactly(2, 3, 1, 8);
        ResourceView ledger = views.get(0);
        assertThat(ledger.scope()).isEqualTo("tenant");
        assertThat(ledger.health()).isEqualTo("DEGRADED");
        assertThat(ledger.healthMessage()).isEqualTo("slow");
        assertThat(ledger.dependsOn()).containsExactly("orders-db");
    }

    @Test
    void figuresTheExtensionDoesNotReportAreLeftEmptyNotInvented() {
        declared.put("cache", new Declared("cache", "local-cache", ResourceScope.GLOBAL, List.of(),
                ResourceState.READY, HealthStatus.up(), new PoolSnapshot(1, 0, 1, 0, 1, 1)));

        ResourceView cache = new ResourceOverview(new Declarations()).views().get(0);

        assertThat(cache.p99AcquisitionMs()).isNull();
        assertThat(cache.errorRate()).isNull();
        assertThat(cache.circuitState()).isNull();
    }

    @Test
    void aResourceWhoseFiguresCannotBeReadIsListedDownWithTheReason() {
        declared.put("payments-api", new Declared("payments-api", "http", ResourceScope.GLOBAL, List.of(),
                ResourceState.READY, HealthStatus.up(), null) {
            @Override
            public PoolSnapshot pool() {
                throw new IllegalStateException("pool not started");
            }
        });

        ResourceView api = new ResourceOverview(new Declarations()).views().get(0);

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

    private static class Declared implements ManagedResource<Object> {
        private final String name;
        private final String kind;
        private final ResourceScope scope;
        private final List<String> dependsOn;
        private final ResourceState state;
        private final HealthStatus health;
        private final PoolSnapshot pool;

        Declared(String name, String kind, ResourceScope scope, List<String> dependsOn, ResourceState state,
                 HealthStatus health, PoolSnapshot pool) {
            this.name = name;
            this.kind = kind;
            this.scope = scope;
            this.dependsOn = dependsOn;
            this.state = state;
            this.health = health;
            this.pool = pool;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public ResourceScope scope() {
            return scope;
        }

        @Override
        public List<String> dependsOn() {
            return dependsOn;
        }

        @Override
        public ResourceState state() {
            return state;
        }

        @Override
        public HealthStatus health() {
            return health;
        }

        @Override
        public PoolSnapshot pool() {
            return pool;
        }

        @Override
        public Lease<Object> acquire() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Lease<Object> acquire(Duration timeout) {
            throw new UnsupportedOperationException();
        }
    }
}
