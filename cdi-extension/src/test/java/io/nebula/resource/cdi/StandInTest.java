package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.RemoteClient;
import io.nebula.resource.cdi.testing.SharedClient;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A bean injecting a resident resource of global scope whose backend is down is made all the same: it gets a stand-in
 * that has the instance at its first use (issue 17 point 6). The real providers, behind a proxy to their real servers,
 * are in the fault suite's {@code InjectionWhileDownTest}; this one looks at what only fakes can count.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.remote.kind=test-remote",
        "nebula.resource.remote.retry.max-retries=0", // one attempt per acquisition: attempts can be counted
        "nebula.resource.remote.pool.backoff-initial=1ms", // the pool's own backoff would let no one try for a while
        "nebula.resource.remote.health.interval=0",
        "nebula.resource.cache.kind=test-shared"})
class StandInTest {

    @Dependent
    static class Billing {
        @Inject
        @NebulaResource("remote")
        RemoteClient remote;

        @Inject
        @NebulaResource("cache")
        SharedClient cache;
    }

    @Test
    void aBeanIsMadeWhileItsBackendIsDownAndTheSameReferenceServesOnceItIsBack() {
        FlakyBackend.set("remote", FlakyBackend.Mode.DOWN);
        try (WeldContainer container = NebulaWeld.container(Billing.class).initialize()) {
            Billing billing = container.select(Billing.class).get();
            assertThat(FlakyBackend.attempts("remote")).as("a resource never tried is tried once as the bean is made").hasSize(1);

            assertThatThrownBy(() -> billing.remote.call("charge")).as("the view's own family, where its method declares it")
                    .isInstanceOf(IOException.class)
                    .cause().isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                            e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE))
                    .cause().hasMessageContaining("connection to remote refused");
            assertThatThrownBy(billing.remote::id).as("elsewhere the refusal itself")
                    .isInstanceOf(AcquisitionTimeoutException.class);
            assertThat(billing.cache.id()).as("the bean's other resource").isPositive();

            FlakyBackend.set("remote", FlakyBackend.Mode.UP);
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> assertThat(billing.remote.call("charge")).startsWith("remote#"));
            RemoteClient live = container.select(Billing.class).get().remote;
            assertThat(Proxy.isProxyClass(live.getClass())).as("a bean made while the instance is live holds it itself").isFalse();
            assertThat(billing.remote.id()).as("the stand-in passes its calls to that same instance").isEqualTo(live.id());
            assertThat(billing.remote.toString()).isEqualTo(live.toString());
        }
    }

    @Test
    void nothingIsAskedOfABackendKnownToBeDown() {
        FlakyBackend.set("remote", FlakyBackend.Mode.DOWN);
        try (WeldContainer container = NebulaWeld.container(Billing.class).initialize()) {
            Billing first = container.select(Billing.class).get();
            int tried = FlakyBackend.attempts("remote").size();

            Billing second = container.select(Billing.class).get();
            assertThat(second.remote.toString()).isEqualTo("StandIn[remote as RemoteClient, no instance yet]");
            assertThat(second.remote).isNotEqualTo(first.remote).isEqualTo(second.remote);
            assertThat(second.remote.hashCode()).isEqualTo(System.identityHashCode(second.remote));
            assertThat(FlakyBackend.attempts("remote")).as("the resource failed: the next bean was made without asking it, and"
                    + " toString, equals and hashCode ask nothing").hasSize(tried);
        }
    }
}
