package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.pipeline.HealthPolicy;
import io.nebula.resource.core.pipeline.ResiliencePolicy;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A resource's pools read as one, without a container: what its {@code pool()}, health checks and statistics show. */
class LivePoolsTest {

    private static final PoolSnapshot NONE = new PoolSnapshot(0, 0, 0, 0, 1, 9);

    /** A backend each pool may take down on its own. */
    static final class Sessions implements ResourceProvider<Object> {
        volatile boolean down;

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Object> type() {
            return Object.class;
        }

        @Override
        public Object create(ResourceSettings settings) throws IOException {
            if (down) {
                throw new ConnectException("connection refused");
            }
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

    private final Map<String, String> keys = Map.of("pool.max-size", "4", "pool.acquire-timeout", "50ms",
            "retry.max-retries", "0", "circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1");
    private final ResourceSettings settings = ResourceSettings.of("ledger", "fake", keys);

    private WovenPool<Object> pool(Sessions backend, LivePools live) {
        @SuppressWarnings("unchecked")
        WovenPool<Object>[] made = new WovenPool[1];
        made[0] = WovenPool.builder(backend, settings).onClose(() -> live.remove(made[0])).build();
        live.add(made[0]);
        made[0].start();
        return made[0];
    }

    private ResourceDeclaration declaration(Sessions provider) {
        ConfigProblems problems = new ConfigProblems();
        return new ResourceDeclaration(settings, provider, PoolConfig.from(settings), ResourceScope.GLOBAL, List.of(),
                false, ResiliencePolicy.parse(settings, problems).orElseThrow(), HealthPolicy.parse(settings, problems).orElseThrow());
    }

    @Test
    void theFiguresAreTheSumOfTheLivePoolsAndTheCircuitTheWorstOfThem() {
        LivePools live = new LivePools();
        Sessions up = new Sessions();
        Sessions down = new Sessions();
        down.down = true;
        WovenPool<Object> healthy = pool(up, live);
        WovenPool<Object> failing = pool(down, live);
        Lease<Object> held = healthy.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL);
        assertThatThrownBy(() -> failing.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL));

        HealthReport report = live.report(declaration(up), ResourceState.READY, HealthStatus.up(), NONE);

        assertThat(report.pool().active()).isEqualTo(1);
        assertThat(report.pool().maxSize()).as("both pools' sizes").isEqualTo(8);
        assertThat(report.circuit()).isEqualTo("open");
        assertThat(report.lastError()).contains("connection refused");
        assertThat(live.figures(report).acquisitions()).isEqualTo(2);
        assertThat(live.figures(report).errorRate()).hasValue(0.5);

        held.close();
        healthy.close();
        failing.close();
        assertThat(live.snapshot(NONE)).as("no pool is live").isEqualTo(NONE);
    }

    @Test
    void aResourceAndThoseDerivedFromItReportTogether() {
        LivePools base = new LivePools();
        LivePools derived = new LivePools();
        WovenPool<Object> one = pool(new Sessions(), base);
        WovenPool<Object> two = pool(new Sessions(), derived);

        assertThat(LivePools.of(List.of(base, derived)).snapshot(NONE).maxSize()).isEqualTo(8);

        one.close();
        two.close();
    }
}
