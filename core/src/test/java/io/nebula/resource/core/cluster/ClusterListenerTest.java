package io.nebula.resource.core.cluster;

import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a telemetry backend hears of the cluster step ({@link ClusterListener}): each call to the backend with its
 * operation, a refusal with its {@code cluster.*} key, an admission alone while the backend is down, a refusal by the
 * known-down gate naming the node that saw it; and nothing at all for acquisitions served from the node's batch.
 */
class ClusterListenerTest {

    private final SharedPermits backend = new SharedPermits();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final ClusterListener recorder = new ClusterListener() {
        @Override
        public void called(String operation, long nanos, boolean answered) {
            heard.add("called " + operation + " " + answered + (nanos >= 0 ? "" : " negative"));
        }

        @Override
        public void refused(String resource, String tenant, String limit) {
            heard.add("refused " + resource + " " + tenant + " " + limit);
        }

        @Override
        public void admittedAlone(String resource, String tenant) {
            heard.add("alone " + resource + " " + tenant);
        }

        @Override
        public void gateRefused(String resource, String seenBy, String reason) {
            heard.add("gate " + resource + " " + seenBy + " " + reason);
        }
    };

    /** A node whose calls are measured, as {@link Cluster#join} makes it. */
    private ClusterNode node(String id) {
        MeasuredPermits measured = new MeasuredPermits(backend.node(id));
        ClusterNode node = new ClusterNode(measured, Duration.ofSeconds(3), System::currentTimeMillis);
        measured.listener(node.listeners());
        node.listen(recorder);
        return node;
    }

    private static ResourceContext tenant(String t) {
        return new ResourceContext(t, null, null, null);
    }

    @Test
    void theBatchsRoundTripIsHeardAndTheLeasesServedFromTheBatchAreNot() {
        ClusterLimits limits = node("a").limits("orders", new ClusterQuota(100, 0, 0, 10));

        for (int i = 0; i < 10; i++) {
            limits.enter(ResourceContext.GLOBAL);
        }

        assertThat(heard).containsExactly("called take true");
    }

    @Test
    void aRefusalIsHeardWithItsLimitsKeyAndTenant() {
        ClusterLimits limits = node("a").limits("orders", new ClusterQuota(0, 1, 0, 4));
        limits.enter(tenant("acme"));
        heard.clear();

        assertThatThrownBy(() -> limits.enter(tenant("acme"))).isInstanceOf(QuotaExceededException.class);

        assertThat(heard).containsExactly("called take true",
                "refused orders acme cluster.tenant.max-concurrent-leases");
    }

    @Test
    void withTheBackendDownTheFailedCallAndEachAdmissionAloneAreHeard() {
        ClusterNode node = node("a");
        ClusterLimits limits = node.limits("orders", new ClusterQuota(3, 0, 0, 1));
        backend.down = true;

        limits.enter(tenant("acme"));
        limits.enter(tenant("acme"));

        assertThat(heard).containsExactly("called take false", "alone orders acme", "alone orders acme");
        node.unlisten(recorder);
        limits.enter(tenant("acme"));
        assertThat(heard).hasSize(3);
    }

    @Test
    void aRefusalByTheGateIsHeardNamingTheNodeThatSawTheBackendDown() {
        ClusterNode node = node("b");
        SharedSignals signals = new SharedSignals();
        ClusterGate gate = signals.gate("a");
        gate.listener(node.listeners());
        ResourceGate orders = gate.resource("orders");
        orders.down("java.net.ConnectException");

        orders.refusal(orders.open());

        assertThat(heard).containsExactly("gate orders a java.net.ConnectException");
        assertThat(gate.gates()).containsExactly(orders);
    }
}
