package io.nebula.resource.it.scenarios;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.Channel;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The programmatic API: the container's own lookup ({@code Instance.select} with {@link NebulaResource.Literal}, of a
 * resource no injection point names; an injected {@code Instance<Lease<T>>}), and {@link Resources} level by level:
 * by type, by name (with overrides), and a resource declared in code.
 *
 * <p>Not {@code select(new TypeLiteral<Lease<Channel>>() {}, ...)} on an {@code Instance<Object>}: OpenWebBeans 4.0.3
 * selects by the literal's raw type ({@code InstanceImpl.select(TypeLiteral)}) and then refuses its own choice
 * ("Given bean type : interface io.nebula.resource.Lease is not applicable"), since {@code Lease<Channel>} is not
 * assignable to the raw {@code Lease}: a container bug, which no bean type the extension could add would avoid
 * without making every resource's leases ambiguous (docs/containers.md).
 * <p>Run on every container: {@link ProgrammaticApiIT} (Arquillian: Weld, OpenWebBeans, Open Liberty)
 * and {@code ProgrammaticApiQuarkusTest} (src-it/quarkus).
 */
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
public abstract class ProgrammaticApiScenarios {

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    @Any
    Instance<Object> beans;

    @Inject
    @NebulaResource("jobs")
    Instance<Lease<Channel>> leases;

    /**
     * Called first by each test rather than by {@code @BeforeEach}: Arquillian's JUnit 5 adapter does not run
     * {@code @BeforeEach} methods on the embedded containers (Weld, OpenWebBeans: the Local protocol;
     * arquillian-core#861), where the backend's counts are the JVM's, shared by every archive.
     */
    private void resetTheBackend() {
        ChannelBackend.reset();
    }

    @Test
    void theContainersLookupFindsADeclaredResourceAndHandsOutLeasesOnDemand() {
        resetTheBackend();
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            Channel events = beans.select(Channel.class, NebulaResource.Literal.of("events")).get();
            assertThat(events.id()).as("the execution's lease, as Resources has it")
                    .isEqualTo(resources.get("events", Channel.class).id());
            assertThat(active("events")).isEqualTo(1);
        }
        assertThat(active("events")).as("released with the execution").isZero();

        Lease<Channel> lease = leases.get();
        assertThat(lease.resource()).isEqualTo("jobs");
        assertThat(lease.get().send("ping")).startsWith("jobs#").endsWith(":ping");
        assertThat(active("jobs")).isEqualTo(1);
        leases.destroy(lease);
        assertThat(lease.isOpen()).as("destroying the lease bean closes it").isFalse();
        assertThat(active("jobs")).isZero();
    }

    @Test
    void levelOneRefusesATypeThatSeveralResourcesMake() {
        resetTheBackend();
        assertThatThrownBy(() -> resources.get(Channel.class))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("events").hasMessageContaining("jobs");
    }

    @Test
    void levelTwoAcquiresByNameAndDerivesAResourceForOverrides() {
        resetTheBackend();
        try (Lease<Channel> lease = resources.acquire("jobs", Channel.class, Duration.ofSeconds(1))) {
            assertThat(lease.get().resource()).isEqualTo("jobs");
            assertThat(active("jobs")).isEqualTo(1);
        }
        assertThat(active("jobs")).isZero();
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int base = resources.get("events", Channel.class).id();
            assertThat(resources.get("events", Channel.class)).as("the scope's one lease").extracting(Channel::id).isEqualTo(base);
            assertThat(resources.get("events", Channel.class, Map.of("pool.max-size", "1")).id())
                    .as("a resource of its own, not the base's lease").isNotEqualTo(base);
        }
        assertThatThrownBy(() -> resources.get("events", Channel.class, Map.of("pool.max-size", "many")))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key).containsExactly("nebula.resource.events.pool.max-size"));
    }

    @Test
    void levelThreeDeclaresAResourceInCodeAndValidatesItLikeConfiguration() {
        resetTheBackend();
        ManagedResource<Channel> adhoc = resources.builder("adhoc").kind("it-channel").poolSize(1)
                .scope(ResourceScope.ACTION).build(Channel.class);
        assertThat(adhoc.state()).isEqualTo(ResourceState.READY);
        assertThat(resources.names()).contains("adhoc", "jobs", "events");
        try (Lease<Channel> lease = adhoc.acquire()) {
            assertThat(lease.get().resource()).isEqualTo("adhoc");
        }
        assertThat(ChannelBackend.created("adhoc")).isEqualTo(1);

        assertThatThrownBy(() -> resources.builder("jobs").kind("nope").poolSize(0).dependsOn("ghost").build(Channel.class))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .contains("nebula.resource.jobs.kind", "nebula.resource.jobs.pool.max-size",
                                "nebula.resource.jobs.depends-on"))
                .hasMessageContaining("already declared");
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
