package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.credential.SettingsCredentialSource;
import io.nebula.resource.event.ResourceLifecycleEvent;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application's declared resources made by core alone, without a container: what the CDI extension serves
 * through its scopes and injection points. Their pools start after those of the resources they depend on and
 * close before them, a tenant-scoped resource has a pool per tenant, and resources declared or derived in code are
 * checked like configuration.
 */
class ResourceRegistryTest {

    /** Kind {@code registry-test} (installed with {@code ServiceLoader} from the test resources): logs what it makes and destroys. */
    public static final class Recording implements ResourceProvider<String> {
        static final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public String kind() {
            return "registry-test";
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String create(ResourceSettings settings) {
            String instance = settings.name() + settings.string("tenant").map(t -> "@" + t).orElse("");
            log.add("create " + instance);
            return instance;
        }

        @Override
        public HealthStatus check(String instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(String instance) {
            log.add("destroy " + instance);
        }
    }

    private final ProviderCatalog providers = ProviderCatalog.load();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private ResourceRegistry<ResourceRegistry.Entry> registry;

    @BeforeEach
    void clearLog() {
        Recording.log.clear();
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    /** The registry of resources declared with {@code keys}: {@code <name>.<key>=value}, each name of kind registry-test. */
    private ResourceRegistry<ResourceRegistry.Entry> registry(String... keys) {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (String line : keys) {
            int dot = line.indexOf('.');
            int eq = line.indexOf('=');
            byName.computeIfAbsent(line.substring(0, dot), n -> new LinkedHashMap<>())
                    .put(line.substring(dot + 1, eq), line.substring(eq + 1));
        }
        ConfigProblems problems = new ConfigProblems();
        List<ResourceDeclaration> declared = new ArrayList<>();
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        byName.forEach((name, values) -> {
            ResourceSettings settings = ResourceSettings.of(name, "registry-test", values);
            ResourceDeclaration.parse(settings, providers, problems).ifPresent(declared::add);
            dependencies.put(name, ResourceDeclarations.dependsOn(settings));
        });
        DependencyGraph graph = ResourceDeclarations.graph(dependencies, problems);
        problems.throwIfAny();
        Tenancy tenancy = new Tenancy(new TenantOverrides(Map.of()),
                Map.of(SettingsCredentialSource.NAME, new SettingsCredentialSource()), SettingsCredentialSource.NAME,
                null, () -> null);
        Weaving weaving = new Weaving((resource, policy) -> {
            throw new AssertionError("no resource here has a timeout or a bulkhead");
        }, telemetry -> { });
        registry = new ResourceRegistry<>(providers, declared, graph, tenancy, weaving, events::add,
                () -> ResourceContext.GLOBAL, pools -> () -> pools);
        return registry;
    }

    @Test
    void aResourceStartsAfterWhatItDependsOnAndClosesBeforeIt() {
        registry("ledger.pool.min-size=0", "orders.depends-on=ledger");

        try (Lease<?> lease = registry.resource("orders").pools().acquire()) {
            assertThat(lease.get()).isEqualTo("orders");
        }
        assertThat(registry.resource("ledger").pools().state()).as("started for orders").isEqualTo(ResourceState.READY);

        registry.close();
        assertThat(events).filteredOn(ResourceLifecycleEvent.class::isInstance).map(ResourceLifecycleEvent.class::cast)
                .filteredOn(e -> e.to() == ResourceState.TERMINATED).extracting(ResourceLifecycleEvent::resource)
                .containsExactly("orders", "ledger");
    }

    @Test
    void aTenantScopedResourceHasAPoolPerTenantAndNoneWithoutATenant() {
        registry("ledger.scope=tenant", "ledger.pool.max-size=3");
        DeclaredPools<?> ledger = registry.resource("ledger").pools();

        try (Lease<?> acme = ledger.acquire(null, new ResourceContext("acme", null, null, null));
             Lease<?> globex = ledger.acquire(null, new ResourceContext("globex", null, null, null))) {
            assertThat(List.of(acme.get(), globex.get())).containsExactly("ledger@acme", "ledger@globex");
            assertThat(ledger.pool().maxSize()).as("two tenants' pools").isEqualTo(6);
            assertThat(registry.figures("ledger").tenants()).containsOnlyKeys("acme", "globex");
        }
        assertThatThrownBy(ledger::acquire).isInstanceOf(TenantRequiredException.class);
    }

    @Test
    void aResourceDeclaredOrDerivedInCodeIsCheckedLikeConfigurationAndReportsUnderItsName() {
        registry("ledger.pool.max-size=3");

        assertThatThrownBy(() -> registry.declare(ResourceSettings.of("audit", "registry-test",
                Map.of("depends-on", "nowhere")), String.class))
                .isInstanceOf(ConfigurationInvalidException.class).hasMessageContaining("nebula.resource.audit.depends-on");
        DeclaredPools<?> audit = registry.declare(ResourceSettings.of("audit", "registry-test",
                Map.of("depends-on", "ledger")), String.class).pools();
        assertThat(audit.state()).as("started when declared").isEqualTo(ResourceState.READY);
        assertThat(registry.resource("ledger").pools().state()).as("after what it depends on").isEqualTo(ResourceState.READY);

        DeclaredPools<?> small = registry.derived("ledger", Map.of("pool.max-size", "2")).pools();
        assertThat(registry.derived("ledger", Map.of("pool.max-size", "2")).pools()).as("once per set of overrides")
                .isSameAs(small);
        try (Lease<?> lease = small.acquire()) {
            assertThat(lease.get()).isEqualTo("ledger");
            assertThat(registry.report("ledger").pool().maxSize()).as("the base's pool and the derived one's")
                    .isEqualTo(5);
        }
    }
}
