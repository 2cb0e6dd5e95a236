package io.nebula.resource.faults;

import io.nebula.resource.Lease;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A kind whose one instance every user shares ({@code RESIDENT}: redis, nats, http, filesystem). Its leases are not
 * capped, so its pool is never exhausted. An application that holds the instance itself (injected, or
 * {@code Resources.get}) makes no acquisition per call: neither an open circuit, a quarantine nor a drain stands
 * between it and the client, whose own errors it gets while the backend is away and once the resource is closed.
 */
abstract class ResidentFailureTable<V> extends FailureTable {

    /** The type the application holds the instance as (the injectable view it would use). */
    abstract Class<V> viewType();

    /** One call an application makes on the instance it holds. */
    abstract void call(V instance) throws Exception;

    /** What that call fails with while the backend is away: the client's own error. */
    abstract Class<? extends Throwable> clientErrorWhileAway();

    /** What that call fails with once the resource is closed (the application stopped). */
    abstract Class<? extends Throwable> clientErrorOnceClosed();

    /** Until the client has noticed that the backend went away (a connection it holds was cut). */
    void awaitTheClientNoticed(V instance) {
    }

    @Test
    @Override
    void poolExhausted() throws Exception {
        try (Rig rig = rig("pool.max-size", "1");
             Lease<?> first = lease(rig);
             Lease<?> second = rig.resources().acquire(RESOURCE, leaseType(), Duration.ZERO)) {
            assertThat(second.get()).as("the one shared instance, whatever pool.max-size").isSameAs(first.get());
        }
    }

    /** The instance held keeps working while the resource drains: only new leases are refused. */
    @Override
    @SuppressWarnings("unchecked")
    void whileDraining(Lease<?> held) throws Exception {
        call((V) held.get());
    }

    @Test
    void theInstanceHeldGetsTheClientsOwnErrors() throws Exception {
        try (Rig rig = rig()) {
            lease(rig).close(); // made, with time enough
            V instance = rig.resources().get(RESOURCE, viewType());
            call(instance);
            takeTheBackendAway(rig);
            awaitTheClientNoticed(instance);
            Throwable away = catchThrowable(() -> call(instance));
            System.out.println("FAILURE-TABLE " + getClass().getSimpleName() + " while away: " + away);
            assertThat(away).as("while the backend is away").isInstanceOf(clientErrorWhileAway());
            rig.container.close();
            Throwable closed = catchThrowable(() -> call(instance));
            System.out.println("FAILURE-TABLE " + getClass().getSimpleName() + " once closed: " + closed);
            assertThat(closed).as("once the resource is closed").isInstanceOf(clientErrorOnceClosed());
        }
    }
}
