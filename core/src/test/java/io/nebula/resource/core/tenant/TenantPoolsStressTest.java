package io.nebula.resource.core.tenant;

import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.tenant.Tenants.Conn;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Many threads, many tenants, every limit in play: no lease crosses tenants and no limit is ever passed. */
class TenantPoolsStressTest {

    @Test
    void underContentionLeasesStayWithTheirTenantAndNoLimitIsPassed() throws InterruptedException {
        Tenants.Provider provider = new Tenants.Provider();
        TenantPools<Conn> pools = TenantPools.builder(new TenantTemplate(Tenants.settings(
                                "tenant.max-pools", "6", "tenant.max-instances", "12", "pool.max-size", "3",
                                "tenant.quota.max-concurrent-leases", "2"), t -> Map.of()),
                        Tenants.pools(provider, Ticker.SYSTEM))
                .build();
        Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
        AtomicInteger maxPerTenant = new AtomicInteger();
        AtomicInteger crossed = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        int threads = 8;
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < 2_000; i++) {
                        String tenant = "t" + random.nextInt(20);
                        try (Lease<Conn> lease = pools.acquire(Duration.ZERO, new ResourceContext(tenant, "w", null, null))) {
                            int now = holding.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
                            maxPerTenant.accumulateAndGet(now, Math::max);
                            if (!tenant.equals(lease.get().tenant) || lease.get().destroyed) {
                                crossed.incrementAndGet();
                            }
                            if (random.nextInt(8) == 0) {
                                Thread.yield();
                            }
                            holding.get(tenant).decrementAndGet();
                            served.incrementAndGet();
                        } catch (QuotaExceededException e) {
                            refused.incrementAndGet();
                        } catch (RuntimeException e) {
                            // an exhausted pool at timeout zero is fine; anything else is not
                            if (!(e instanceof io.nebula.resource.AcquisitionTimeoutException)) {
                                unexpected.incrementAndGet();
                                e.printStackTrace();
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            all.add(thread);
            thread.start();
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        pools.close();

        assertThat(crossed).as("leases handed to another tenant").hasValue(0);
        assertThat(unexpected).hasValue(0);
        assertThat(maxPerTenant.get()).as("tenant.quota.max-concurrent-leases").isLessThanOrEqualTo(2);
        assertThat(provider.maxLive.get()).as("tenant.max-instances").isLessThanOrEqualTo(12);
        assertThat(served.get()).isGreaterThan(1_000);
        assertThat(refused.get()).as("the limits were reached, so the test could have failed").isPositive();
        assertThat(provider.live).isEmpty();
    }
}
