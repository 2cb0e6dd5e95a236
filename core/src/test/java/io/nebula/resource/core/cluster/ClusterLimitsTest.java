package io.nebula.resource.core.cluster;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.spi.InstanceBudget;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterLimitsTest {

    private final SharedPermits backend = new SharedPermits();
    private final AtomicLong millis = new AtomicLong(1_000_000);

    private ClusterNode node(String id) {
        return new ClusterNode(backend.node(id), Duration.ofSeconds(3), millis::get);
    }

    private static ResourceContext tenant(String t) {
        return new ResourceContext(t, null, null, null);
    }

    @Test
    void aPoolHitTakesItsPermitFromTheNodesBatchWithoutARoundTrip() {
        ClusterNode node = node("a");
        ClusterLimits limits = node.limits("orders", new ClusterQuota(100, 0, 0, 10));

        for (int i = 0; i < 1000; i++) {
            limits.enter(ResourceContext.GLOBAL);
            limits.leave(ResourceContext.GLOBAL);
        }

        // one batch taken at the first lease, then every lease is served from it
        assertThat(node.roundTrips()).isEqualTo(1);
        assertThat(backend.total("orders:leases")).isEqualTo(10);
    }

    /**
     * What the dashboard reads: the session budget as the permits each node holds (the resource's and a tenant's),
     * and a tenant's rate as the current window's one count for the cluster, batches taken included.
     */
    @Test
    void theUsageShowsTheSessionBudgetPerNodeAndATenantsRateAsOneCountForTheCluster() {
        ClusterQuota quota = new ClusterQuota(0, 0, 10, 2, 5, 3);
        ClusterLimits a = node("a").limits("orders", quota);
        ClusterLimits b = node("b").limits("orders", quota);
        a.instances("t1").take();
        a.instances("t1").take();
        b.instances("t1").take();
        for (int i = 0; i < 3; i++) {
            a.enter(tenant("t1")); // batches of 2 from the window: 2 + 2
        }
        b.enter(tenant("t1")); // and 2 more

        assertThat(a.usage()).extracting(u -> u.tenant() + " " + u.limit() + " " + u.max() + " " + u.byNode()
                + " " + u.windowCount()).containsExactly(
                "null cluster.max-instances 5 {a=2, b=1} null", // batches of 1: of 5, no node takes more at once
                "t1 cluster.tenant.max-instances 3 {a=2, b=1} null",
                "t1 cluster.tenant.max-acquisitions-per-second 10 {} 6");
        millis.addAndGet(1000); // the next window: nothing counted in it yet
        assertThat(b.usage()).last().satisfies(u -> assertThat(u.windowCount()).isZero());
    }

    @Test
    void theLeasesOfAllNodesNeverExceedTheSessionBudget() {
        ClusterLimits a = node("a").limits("orders", new ClusterQuota(7, 0, 0, 3));
        ClusterLimits b = node("b").limits("orders", new ClusterQuota(7, 0, 0, 3));
        ClusterLimits c = node("c").limits("orders", new ClusterQuota(7, 0, 0, 3));

        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            for (ClusterLimits l : new ClusterLimits[] {a, b, c}) {
                try {
                    l.enter(ResourceContext.GLOBAL);
                    admitted++;
                } catch (QuotaExceededException e) {
                    assertThat(e.limit()).isEqualTo("cluster.max-concurrent-leases");
                }
            }
        }

        assertThat(admitted).isEqualTo(7);
        assertThat(a.inUse(null) + b.inUse(null) + c.inUse(null)).isEqualTo(7);
        assertThat(backend.total("orders:leases")).isEqualTo(7);
    }

    @Test
    void theInstancesOfAllNodesAndTenantsNeverExceedTheSessionBudgetAndAClosedOneFreesItsPermit() {
        ClusterQuota quota = new ClusterQuota(0, 0, 0, 4, 7, 3);
        ClusterLimits[] nodes = {node("a").limits("orders", quota), node("b").limits("orders", quota),
                node("c").limits("orders", quota)};
        java.util.Random random = new java.util.Random(13);
        java.util.Deque<InstanceBudget> open = new java.util.ArrayDeque<>();
        java.util.Map<InstanceBudget, String> tenantOf = new java.util.HashMap<>();
        java.util.Map<String, Integer> perTenant = new java.util.HashMap<>();
        int opened = 0;
        int refusedTenant = 0;
        int refusedAll = 0;
        for (int i = 0; i < 2000; i++) {
            if (!open.isEmpty() && random.nextInt(3) == 0) { // close a random one: the oldest or the newest
                InstanceBudget closing = random.nextBoolean() ? open.pollFirst() : open.pollLast();
                closing.give();
                perTenant.merge(tenantOf.get(closing), -1, Integer::sum);
                continue;
            }
            String tenant = "t" + random.nextInt(4);
            InstanceBudget budget = nodes[random.nextInt(3)].instances(tenant);
            try {
                budget.take();
                opened++;
                open.add(budget);
                tenantOf.put(budget, tenant);
                perTenant.merge(tenant, 1, Integer::sum);
            } catch (QuotaExceededException e) {
                if (e.limit().equals("cluster.tenant.max-instances")) {
                    refusedTenant++;
                } else {
                    assertThat(e.limit()).isEqualTo("cluster.max-instances");
                    refusedAll++;
                }
                assertThat(e.getMessage()).startsWith("NEBULA-4610");
            }
            assertThat(open).as("all tenants on all nodes").hasSizeLessThanOrEqualTo(7);
            assertThat(perTenant.values()).as("each tenant on all nodes").allMatch(n -> n <= 3);
            assertThat(backend.total("orders:instances")).isLessThanOrEqualTo(7);
        }
        assertThat(opened).as("the load was served, not only refused").isGreaterThan(500);
        assertThat(refusedTenant).isPositive();
        assertThat(refusedAll).isPositive();
    }

    /**
     * A limit smaller than eight batches with the default batch: the first node takes a bounded share at once, not the
     * whole limit (7 of 7 before), so a second node is served while the first holds fewer than 7, with no heartbeat
     * between them to give spare permits back.
     */
    @Test
    void aSmallLimitWithTheDefaultBatchIsNotTakenWholeByOneNode() {
        ClusterQuota quota = new ClusterQuota(7, 0, 0, ClusterQuota.NONE.batch(), 7, 0);
        ClusterLimits a = node("a").limits("orders", quota);
        ClusterLimits b = node("b").limits("orders", quota);

        a.enter(ResourceContext.GLOBAL);
        a.instances(null).take();
        b.enter(ResourceContext.GLOBAL);
        b.instances(null).take();
        for (int i = 0; i < 5; i++) {
            a.enter(ResourceContext.GLOBAL);
            a.instances(null).take();
        }

        assertThat(a.inUse(null) + b.inUse(null)).isEqualTo(7);
        assertThat(a.instancesOpen(null) + b.instancesOpen(null)).isEqualTo(7);
        assertThat(backend.total("orders:leases")).isEqualTo(7);
        assertThat(backend.total("orders:instances")).isEqualTo(7);
    }

    @Test
    void aNodesBatchIsAtMostAnEighthOfTheLimitAndABigLimitKeepsTheConfiguredOne() {
        assertThat(LeaseBudget.batchFor(7, 8)).isEqualTo(1);
        assertThat(LeaseBudget.batchFor(63, 8)).isEqualTo(7);
        assertThat(LeaseBudget.batchFor(64, 8)).isEqualTo(8);
        assertThat(LeaseBudget.batchFor(1000, 8)).isEqualTo(8);
        assertThat(LeaseBudget.batchFor(1000, 1)).isEqualTo(1);
    }

    @Test
    void aResourceLimitedOnlyInItsInstancesCountsNoLease() {
        ClusterLimits limits = node("a").limits("orders", new ClusterQuota(0, 0, 0, 8, 2, 0));
        assertThat(limits.countsLeases()).isFalse();
        assertThat(limits.instances(null)).isNotSameAs(InstanceBudget.UNLIMITED);
        assertThat(node("b").limits("orders", new ClusterQuota(0, 0, 0, 8, 0, 0))).isNull();
    }

    @Test
    void whileTheBackendIsDownInstancesAreAdmittedAloneAndClaimedWhenItReturns() {
        ClusterNode node = node("a");
        ClusterLimits limits = node.limits("orders", new ClusterQuota(0, 0, 0, 2, 5, 0));
        backend.down = true;
        InstanceBudget budget = limits.instances(null);
        for (int i = 0; i < 3; i++) {
            budget.take(); // local limits only (pool.max-size)
        }
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.DEGRADED);
        backend.down = false;
        node.heartbeat();
        assertThat(backend.of("orders:instances", "a")).isEqualTo(3);
        assertThat(node.available()).isTrue();
    }

    @Test
    void aRefusalNamesTheClusterLimitItsKeyAndTheTenant() {
        ClusterLimits limits = node("a").limits("orders", new ClusterQuota(0, 2, 0, 4));
        limits.enter(tenant("acme"));
        limits.enter(tenant("acme"));

        assertThatThrownBy(() -> limits.enter(tenant("acme")))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("NEBULA-4603")
                .hasMessageContaining("cluster.tenant.max-concurrent-leases=2")
                .hasMessageContaining("'acme'");
        limits.enter(tenant("globex")); // another tenant's quota is its own
    }

    @Test
    void aReturnedLeaseKeepsOneBatchSpareAndGivesBackTheRest() {
        ClusterNode node = node("a");
        ClusterLimits limits = node.limits("orders", new ClusterQuota(100, 0, 0, 4));
        for (int i = 0; i < 12; i++) {
            limits.enter(ResourceContext.GLOBAL);
        }
        assertThat(backend.of("orders:leases", "a")).isEqualTo(12);

        for (int i = 0; i < 12; i++) {
            limits.leave(ResourceContext.GLOBAL);
        }

        assertThat(backend.of("orders:leases", "a")).isEqualTo(4);
        node.heartbeat(); // an idle node holds nothing past its next heartbeat
        assertThat(backend.of("orders:leases", "a")).isZero();
    }

    @Test
    void theRateOfATenantHoldsPerWindowAcrossNodesAndANewWindowStartsAfresh() {
        ClusterLimits a = node("a").limits("orders", new ClusterQuota(0, 0, 5, 2));
        ClusterLimits b = node("b").limits("orders", new ClusterQuota(0, 0, 5, 2));
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            for (ClusterLimits l : new ClusterLimits[] {a, b}) {
                try {
                    l.enter(tenant("acme"));
                    admitted++;
                } catch (QuotaExceededException e) {
                    assertThat(e.limit()).isEqualTo("cluster.tenant.max-acquisitions-per-second");
                }
            }
        }
        assertThat(admitted).isEqualTo(5);

        millis.addAndGet(1000);
        a.enter(tenant("acme"));
    }

    @Test
    void whileTheBackendIsDownTheNodeCountsAloneReportsDegradedAndClaimsItsLeasesWhenItReturns() {
        ClusterNode node = node("a");
        ClusterLimits limits = node.limits("orders", new ClusterQuota(3, 0, 0, 1));
        limits.enter(ResourceContext.GLOBAL);
        backend.down = true;

        for (int i = 0; i < 4; i++) {
            limits.enter(ResourceContext.GLOBAL); // local limits only: admitted past the cluster's 3
        }
        long trips = node.roundTrips();
        limits.enter(ResourceContext.GLOBAL);

        assertThat(node.roundTrips()).as("no acquisition asks a backend known down").isEqualTo(trips);
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(node.admittedAlone()).isEqualTo(5);

        backend.down = false;
        node.heartbeat();

        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(backend.of("orders:leases", "a")).isEqualTo(6);
        assertThatThrownBy(() -> limits.enter(ResourceContext.GLOBAL)).isInstanceOf(QuotaExceededException.class);
        for (int i = 0; i < 4; i++) {
            limits.leave(ResourceContext.GLOBAL);
        }
        node.heartbeat();
        assertThat(backend.of("orders:leases", "a")).isEqualTo(2);
        limits.enter(ResourceContext.GLOBAL);
    }
}
