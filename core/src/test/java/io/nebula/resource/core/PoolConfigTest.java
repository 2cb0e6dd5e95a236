package io.nebula.resource.core;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.PoolStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        PoolConfig c = PoolConfig.from(Pools.settings("x"));
        assertThat(c.minSize()).isZero();
        assertThat(c.maxSize()).isEqualTo(10);
        assertThat(c.strategy().name()).isEqualTo(PoolStrategy.LIFO.configName());
        assertThat(c.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.leakThreshold()).isZero();
        assertThat(c.validationBypass()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.keepaliveInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.warmup()).isEqualTo(WarmUp.LAZY);
        assertThat(c.warmupParallelism()).isEqualTo(2);
        assertThat(c.drainGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.endpoints()).isEmpty();
    }

    @Test
    void readsEveryKey() {
        PoolConfig c = PoolConfig.from(Pools.settings("x", "pool.min-size", "2", "pool.max-size", "20",
                "pool.strategy", "weighted-round-robin", "pool.acquire-timeout", "250ms", "pool.idle-timeout", "PT5M",
                "pool.max-lifetime", "1h", "pool.leak-threshold", "10s", "pool.validation-bypass", "1s",
                "pool.keepalive-interval", "0", "pool.warmup", "EAGER", "pool.warmup-parallelism", "4",
                "pool.drain-grace", "5s", "pool.endpoints", "primary:3, replica-1:1", "pool.housekeeping-interval", "10s",
                "pool.backoff-initial", "50ms", "pool.backoff-max", "10s", "pool.adaptive.headroom", "1.5",
                "pool.adaptive.shrink-after", "5"));
        assertThat(c.minSize()).isEqualTo(2);
        assertThat(c.maxSize()).isEqualTo(20);
        assertThat(c.strategy().name()).isEqualTo(PoolStrategy.WEIGHTED_ROUND_ROBIN.configName());
        assertThat(c.acquireTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(c.leakThreshold()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.keepaliveInterval()).isZero();
        assertThat(c.warmup()).isEqualTo(WarmUp.EAGER);
        assertThat(c.warmupParallelism()).isEqualTo(4);
        assertThat(c.endpoints()).containsExactly(new Endpoint("primary", 3), new Endpoint("replica-1", 1));
        assertThat(c.housekeepingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.backoffInitial()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.adaptiveHeadroom()).isEqualTo(1.5);
        assertThat(c.adaptiveShrinkAfter()).isEqualTo(5);
    }

    @Test
    void reportsEveryProblemAtOnceWithFullKeysAndAllowedValues() {
        var s = Pools.settings("orders-db", "pool.min-size", "5", "pool.max-size", "2", "pool.strategy", "random",
                "pool.acquire-timeout", "soon", "pool.warmup", "hot", "pool.endpoints", "a:0",
                "pool.max-sise", "3");
        List<ConfigProblem> problems = PoolConfig.problems(s);
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "nebula.resource.orders-db.pool.min-size",
                "nebula.resource.orders-db.pool.strategy",
                "nebula.resource.orders-db.pool.acquire-timeout",
                "nebula.resource.orders-db.pool.warmup",
                "nebula.resource.orders-db.pool.endpoints",
                "nebula.resource.orders-db.pool.max-sise");
        assertThat(problems).extracting(ConfigProblem::message).anySatisfy(m -> assertThat(m)
                .contains("lifo, fifo, lru, weighted-round-robin, adaptive").contains("'random'"));
        assertThat(problems).extracting(ConfigProblem::message)
                .anySatisfy(m -> assertThat(m).isEqualTo("must not exceed nebula.resource.orders-db.pool.max-size (2), was 5"))
                .anySatisfy(m -> assertThat(m).contains("lazy, eager"))
                .anySatisfy(m -> assertThat(m).contains("is not a pool setting").contains("pool.max-size"));
        assertThatThrownBy(() -> PoolConfig.from(s)).isInstanceOfSatisfying(ConfigurationInvalidException.class,
                e -> assertThat(e.problems()).hasSize(6)).hasMessageStartingWith("6 configuration problems:");
    }

    @Test
    void theBuilderIsStrictToo() {
        assertThatThrownBy(() -> PoolConfig.builder().minSize(-1).maxSize(0).warmupParallelism(0)
                .keepaliveInterval(Duration.ofHours(1)).maxLifetime(Duration.ofMinutes(30)).build())
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key).containsExactlyInAnyOrder("pool.min-size", "pool.max-size",
                                "pool.warmup-parallelism", "pool.keepalive-interval"));
        assertThatThrownBy(() -> PoolConfig.builder().strategy(PoolStrategy.WEIGHTED_ROUND_ROBIN).build())
                .hasMessageContaining("pool.endpoints: is required by pool.strategy=weighted-round-robin");
    }

    @Test
    void resizingValidatesTheNewSizes() {
        PoolConfig c = PoolConfig.defaults();
        assertThat(c.withSizes(1, 50).maxSize()).isEqualTo(50);
        assertThatThrownBy(() -> c.withSizes(5, 4)).isInstanceOf(ConfigurationInvalidException.class);
    }
}
