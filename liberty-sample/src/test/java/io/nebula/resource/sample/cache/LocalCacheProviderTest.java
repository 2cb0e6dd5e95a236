package io.nebula.resource.sample.cache;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

/** The {@code local-cache} kind against the provider contract, plus what is particular to it. */
class LocalCacheProviderTest extends ProviderContract<LocalCache> {

    @Override
    protected ResourceProvider<LocalCache> provider() {
        return new LocalCacheProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return ResourceSettings.of("cache", LocalCacheProvider.KIND, Map.of("max-entries", "100"));
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(settings().with("max-entries", "0"), Set.of("max-entries"));
    }

    @Override
    protected Throwable useClosedInstance(LocalCache destroyed) {
        return catchThrowable(() -> destroyed.put("k", "v"));
    }

    @Override
    protected Throwable provokeNonFatalError(LocalCache instance) {
        return catchThrowable(() -> instance.put(null, "v"));
    }

    @Override
    protected void useInstance(LocalCache instance) {
        instance.put("order:1", "shipped");
        assertThat(instance.get("order:1")).contains("shipped");
        instance.remove("order:1");
        assertThat(instance.get("order:1")).isEmpty();
    }

    @Test
    void oneInstanceIsSharedByEveryLease() {
        assertThat(new LocalCacheProvider().topology()).isEqualTo(Topology.RESIDENT);
    }

    @Test
    void neverHoldsMoreThanMaxEntries() throws Exception {
        LocalCache cache = create();
        for (int i = 0; i < 250; i++) {
            cache.put("k" + i, "v" + i);
        }
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.get("k249")).as("the newest entry is kept").contains("v249");
    }

    @Test
    void overwritingAKeyEvictsNothing() throws Exception {
        LocalCache cache = create();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v");
        }
        cache.put("k0", "new");
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.get("k99")).contains("v");
        assertThat(cache.get("k0")).contains("new");
    }

    @Test
    void maxEntriesDefaultsToTenThousand() throws Exception {
        LocalCache cache = provider().create(ResourceSettings.of("cache", LocalCacheProvider.KIND, Map.of()));
        assertThat(cache.maxEntries()).isEqualTo(10_000);
    }

    @Test
    void aMaxEntriesThatIsNoNumberNamesItsKey() {
        ResourceSettings bad = settings().with("max-entries", "lots");
        assertThat(provider().validate(bad)).extracting(ConfigProblem::key, ConfigProblem::message)
                .containsExactly(tuple("nebula.resource.cache.max-entries",
                        "must be an integer, was 'lots'"));
        assertThatThrownBy(() -> provider().create(bad))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.cache.max-entries");
    }

    @Test
    void healthReportsFillLevel() throws Exception {
        LocalCache cache = create();
        cache.put("a", "1");
        assertThat(provider().check(cache, CheckDepth.SHALLOW).details())
                .containsEntry("entries", 1).containsEntry("maxEntries", 100);
    }
}
