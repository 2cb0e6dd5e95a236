package io.nebula.resource.core.cluster;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSettingsTest {

    private static Map<String, String> kinds = Map.of("coord", "redis", "db", "postgresql");

    private static ConfigProblems read(Map<String, String> keys, ClusterSettings[] out) {
        ConfigProblems problems = new ConfigProblems();
        out[0] = ClusterSettings.read(k -> Optional.ofNullable(keys.get(k)), r -> Optional.ofNullable(kinds.get(r)),
                problems);
        return problems;
    }

    @Test
    void everyBadKeyIsListedNamingItsFullKey() {
        ConfigProblems problems = read(Map.of("nebula.cluster.resource", "db", "nebula.cluster.heartbeat-ttl", "soon",
                "nebula.cluster.redis-timeout", "0ms"), new ClusterSettings[1]);

        assertThat(problems.list()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "nebula.cluster.resource", "nebula.cluster.heartbeat-ttl", "nebula.cluster.redis-timeout");
        assertThat(problems.list().get(0).toString()).contains("kind redis");
    }

    @Test
    void theDefaultsAreThreeSecondsAndFiftyMilliseconds() {
        ClusterSettings[] s = new ClusterSettings[1];
        assertThat(read(Map.of("nebula.cluster.resource", "coord"), s).list()).isEmpty();
        assertThat(s[0].heartbeatTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s[0].redisTimeout()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aResourcesClusterKeysAreCheckedEachUnderItsFullKey() {
        ResourceSettings settings = ResourceSettings.of("db", "postgresql", Map.of("cluster.max-concurrent-leases", "-1",
                "cluster.batch", "0", "cluster.tenant.max-concurrent-leases", "many",
                "cluster.instance-release-delay", "soon"));

        assertThat(ClusterQuota.problems(settings)).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "nebula.resource.db.cluster.max-concurrent-leases", "nebula.resource.db.cluster.batch",
                "nebula.resource.db.cluster.tenant.max-concurrent-leases",
                "nebula.resource.db.cluster.instance-release-delay");
    }

    @Test
    void theInstanceReleaseDelayIsADurationNotNegativeAndZeroIsAllowed() {
        assertThat(ClusterQuota.problems(ResourceSettings.of("db", "postgresql",
                Map.of("cluster.instance-release-delay", "0")))).isEmpty();
        assertThat(ClusterQuota.problems(ResourceSettings.of("db", "postgresql",
                Map.of("cluster.instance-release-delay", "-5ms")))).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains("nebula.resource.db.cluster.instance-release-delay")
                        .contains("must not be negative"));
    }
}
