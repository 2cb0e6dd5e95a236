package io.nebula.resource.core.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The striped batch of {@link LeaseBudget}: spare permits spread over stripes, the cluster's limit still exact. */
class LeaseBudgetTest {

    private final SharedPermits backend = new SharedPermits();

    private ClusterNode node(String id) {
        return new ClusterNode(backend.node(id), Duration.ofSeconds(3), System::currentTimeMillis);
    }

    @Test
    void aThreadWhoseStripeIsEmptyUsesTheSparePermitsOfAnotherBeforeAskingTheBackend() throws Exception {
        ClusterNode node = node("a");
        LeaseBudget budget = new LeaseBudget("orders:leases", 8, 8, node, 2);
        int first = budget.stripe();
        assertThat(budget.enter()).isTrue(); // the batch: this lease and 7 spare in this thread's stripe

        // a thread on the other stripe: its own is empty, the node's 7 spare permits are in this one
        AtomicReference<Boolean> admitted = new AtomicReference<>();
        for (int tries = 0; admitted.get() == null && tries < 1000; tries++) {
            Thread t = new Thread(() -> {
                if (budget.stripe() != first) {
                    admitted.set(budget.enter());
                }
            });
            t.start();
            t.join();
        }

        // the backend has no permit left (8 of 8 are this node's): asking it would refuse
        assertThat(admitted.get()).as("a lease on the other stripe, the limit not reached").isTrue();
        assertThat(node.roundTrips()).isEqualTo(1);
        assertThat(budget.inUse()).isEqualTo(2);
    }

    @Test
    void threadsOnEveryStripeOfThreeNodesNeverHoldMoreLeasesThanTheLimitAndGiveEveryPermitBack() throws Exception {
        int max = 12;
        List<ClusterNode> nodes = List.of(node("a"), node("b"), node("c"));
        List<LeaseBudget> budgets = new ArrayList<>();
        for (ClusterNode n : nodes) {
            budgets.add(new LeaseBudget("orders:leases", max, 2, n, 2));
        }
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            LeaseBudget budget = budgets.get(i % 3);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int k = 0; k < 20_000; k++) {
                    if (!budget.enter()) {
                        refused.incrementAndGet();
                        continue;
                    }
                    admitted.incrementAndGet();
                    most.accumulateAndGet(inUse.incrementAndGet(), Math::max);
                    if (random.nextInt(8) == 0) {
                        Thread.yield(); // a lease held a while, so the limit is reached
                    }
                    inUse.decrementAndGet();
                    budget.leave(true);
                }
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(most.get()).isLessThanOrEqualTo(max);
        assertThat(admitted.get()).isPositive();
        assertThat(refused.get()).as("the limit was reached").isPositive();
        assertThat(backend.total("orders:leases")).isLessThanOrEqualTo(max);
        for (LeaseBudget b : budgets) {
            assertThat(b.inUse()).isZero();
        }
        for (ClusterNode n : nodes) {
            n.heartbeat();
        }
        for (LeaseBudget b : budgets) {
            b.sync();
        }
        assertThat(backend.total("orders:leases")).as("every permit given back after the heartbeat").isZero();
    }

    @Test
    void aLimitSharedByManyThreadsIsStripedOnlyWhenItsSparePermitsStayWithinAQuarterOfIt() {
        assertThat(LeaseBudget.stripesFor(1000, 8)).isEqualTo(16);
        assertThat(LeaseBudget.stripesFor(1_000_000, 8)).isEqualTo(LeaseBudget.MAX_STRIPES);
        assertThat(LeaseBudget.stripesFor(1000, 8) * 8).isLessThanOrEqualTo(1000 / 4);
        assertThat(LeaseBudget.stripesFor(20, 8)).isEqualTo(1);
        assertThat(Integer.bitCount(LeaseBudget.stripesFor(300, 3))).isEqualTo(1);
    }
}
