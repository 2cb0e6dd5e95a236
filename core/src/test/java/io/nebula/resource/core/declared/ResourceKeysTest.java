package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 16 point 5: every key of a resource is checked, each problem reported once, naming its key. */
class ResourceKeysTest {

    /** A provider that lists its keys and, like the JDBC provider, checks {@code pool.max-size} itself too. */
    private static final ResourceProvider<Object> LISTED = new Provider("listed", Set.of("url", "connect-timeout", "properties."), false);
    /** A provider that lists none, as a provider written before keys() existed. */
    private static final ResourceProvider<Object> UNLISTED = new Provider("unlisted", Set.of(), false);
    /** A provider whose instances count their connections against a session budget, as the JDBC provider's do. */
    private static final ResourceProvider<Object> COUNTING = new Provider("counting", Set.of(), true);

    @Test
    void aTypoOfAKeyEveryResourceHasIsAProblemWithTheKeyItMeant() {
        List<ConfigProblem> problems = problems("unlisted", Map.of("scpoe", "tenant", "api-token", "t"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.r.scpoe");
            assertThat(p.message()).contains("did you mean 'scope'?");
        });
    }

    @Test
    void aResourceOfAProviderThatListsItsKeysMayHaveNoOtherKey() {
        List<ConfigProblem> problems = problems("listed", Map.of("url", "x", "properties.ssl", "true", "scope", "tenant",
                "pool.max-size", "4", "conect-timeout", "1s", "flavour", "mint"));

        assertThat(problems).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("nebula.resource.r.conect-timeout", "nebula.resource.r.flavour");
        assertThat(problems).filteredOn(p -> p.key().endsWith("conect-timeout")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("did you mean 'connect-timeout'?"));
        assertThat(problems).filteredOn(p -> p.key().endsWith("flavour")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("is not a key of a listed resource"));
    }

    @Test
    void aKeySpelledAsAnEnvironmentVariableReadsBackIsTheKeyItStandsFor() {
        // NEBULA_RESOURCE_DB_POOL_MIN_SIZE=2 is listed by MicroProfile Config as nebula.resource.db.pool.min.size
        ConfigProblems problems = new ConfigProblems();
        Optional<ResourceDeclaration> declared = ResourceDeclaration.parse(settings("listed",
                Map.of("pool.min.size", "2", "connect.timeout", "1s")), ProviderCatalog.of(LISTED), problems);

        assertThat(problems.list()).isEmpty();
        assertThat(declared).get().satisfies(d -> {
            assertThat(d.pool().minSize()).isEqualTo(2);
            assertThat(d.settings().string("connect-timeout")).contains("1s");
        });
    }

    @Test
    void aKeyTheEngineFoundWrongIsNotReportedAgainByTheProvider() {
        List<ConfigProblem> problems = problems("listed", Map.of("pool.max-size", "0"));

        assertThat(problems).extracting(ConfigProblem::key).containsExactly("nebula.resource.r.pool.max-size");
    }

    @Test
    void aSessionBudgetOnAKindWhoseInstancesDoNotCountTheirConnectionsFailsNamingEachKey() {
        Map<String, String> budget = Map.of("cluster.max-instances", "20", "cluster.tenant.max-instances", "2");

        assertThat(problems("unlisted", budget)).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "nebula.resource.r.cluster.max-instances", "nebula.resource.r.cluster.tenant.max-instances");
        assertThat(problems("unlisted", budget)).allSatisfy(p -> assertThat(p.message()).contains("kind 'unlisted'"));
        assertThat(problems("counting", budget)).isEmpty();
        assertThat(problems("unlisted", Map.of("cluster.max-instances", "0"))).as("0: no limit").isEmpty();
    }

    @Test
    void editsCountASwapOfNeighboursAsOne() {
        assertThat(ResourceKeys.distance("scpoe", "scope")).isEqualTo(1);
        assertThat(ResourceKeys.distance("url", "uri")).isEqualTo(1);
        assertThat(ResourceKeys.nearest("stat", Set.of())).isEqualTo("start");
        assertThat(ResourceKeys.nearest("ki", Set.of())).as("two edits from kind, more than a third of it").isNull();
        assertThat(ResourceKeys.nearest("flavour", Set.of("url"))).isNull();
    }

    private static List<ConfigProblem> problems(String kind, Map<String, String> values) {
        ConfigProblems problems = new ConfigProblems();
        ResourceDeclaration.parse(settings(kind, values), ProviderCatalog.of(LISTED, UNLISTED, COUNTING), problems);
        return problems.list();
    }

    private static ResourceSettings settings(String kind, Map<String, String> values) {
        return ResourceSettings.of("r", kind, new LinkedHashMap<>(values));
    }

    private record Provider(String kind, Set<String> keys, boolean countsInstances) implements ResourceProvider<Object> {

        @Override
        public Class<Object> type() {
            return Object.class;
        }

        @Override
        public List<ConfigProblem> validate(ResourceSettings settings) {
            return settings.intValue("pool.max-size", 1) < 1
                    ? List.of(new ConfigProblem(settings.keyOf("pool.max-size"), "the provider says: at least 1")) : List.of();
        }

        @Override
        public Object create(ResourceSettings settings) {
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }
    }
}
