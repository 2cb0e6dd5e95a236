package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.ResourceContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ListenersTest {

    @Test
    void eachCallbackReachesTheListenersThatImplementItAndAThrowingOneIsSkipped() {
        List<String> heard = new ArrayList<>();
        PoolListener states = new PoolListener() {
            @Override
            public void onInstanceState(String pool, InstanceState from, InstanceState to) {
                heard.add("state " + from + "→" + to);
            }
        };
        PoolListener leases = new PoolListener() {
            @Override
            public void beforeAcquire(String pool, ResourceContext ctx) {
                heard.add("before");
            }

            @Override
            public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
                heard.add("acquire");
            }

            @Override
            public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
                heard.add("release");
            }
        };
        PoolListener throwing = new PoolListener() {
            @Override
            public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
                throw new IllegalStateException("a bug in a metrics hook");
            }
        };
        Listeners all = new Listeners("p", List.of(states, throwing, leases));

        all.beforeAcquire("p", null);
        all.onInstanceState("p", InstanceState.IDLE, InstanceState.IN_USE);
        all.onAcquire("p", null, 0);
        all.onRelease("p", null, 5, false);
        all.onInstanceState("p", InstanceState.IN_USE, InstanceState.IDLE);

        assertThat(heard).containsExactly("before", "state IDLE→IN_USE", "acquire", "release", "state IN_USE→IDLE");
    }
}
