package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.declared.PoolEvents;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two threads move a pool — one to FAILED, the other back to READY — and tell the listeners in the other order. The
 * resource's health follows the pool's last state, not the last news: otherwise a pool that every caller uses
 * successfully stays DOWN in readiness until its next change (seen in the fault suite on RabbitMQ).
 */
class HealthNewsOrderTest {

    @Test
    void theNewsOfAnOlderMoveArrivingLastDoesNotOverwriteTheNewerState() throws Exception {
        FakeProvider provider = new FakeProvider();
        HealthTracker tracker = new HealthTracker(DependencyGraph.of(Map.of("orders-db", List.of())), List.of("orders-db"));
        PoolEvents events = new PoolEvents("orders-db", "shared", e -> { }, tracker);
        ResourcePool<Conn> pool = Pools.direct(provider, new FakeTicker(), "pool.backoff-initial", "1ms").build();
        events.source(pool);
        pool.start();
        provider.failure = new ConnectException("Connection refused");
        assertThatThrownBy(pool::acquire).isNotNull(); // the pool is FAILED now
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);

        provider.failure = null;
        pool.backendAnswered(); // a success moved it back to READY...
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        // ...and the news of the failure's move, told by a slower thread, arrives only now
        events.onStateChange("orders-db", ResourceState.READY, ResourceState.FAILED);

        assertThat(tracker.health("orders-db").status()).isEqualTo(HealthStatus.Status.UP);
        pool.close();
    }
}
