package io.nebula.resource.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CoarseClockTest {

    private static final long SLACK = TimeUnit.MILLISECONDS.toNanos(200); // a loaded CI machine may delay the clock thread

    @Test
    void followsTheSystemClockToWithinItsTickAndNeverGoesBack() throws Exception {
        CoarseClock clock = CoarseClock.INSTANCE;
        long previous = clock.nanoTime();
        // Until it has been seen to tick a few times, not for a fixed 50 ms: a loaded machine may not run this thread
        // often enough in any given 50 ms. A clock that stops ticking fails the lag check within SLACK.
        int advanced = 0;
        while (advanced < 6) {
            long before = System.nanoTime();
            long coarse = clock.nanoTime();
            assertThat(coarse).as("never ahead of the system clock").isLessThanOrEqualTo(System.nanoTime());
            assertThat(before - coarse).as("lags by at most a few ticks").isLessThan(SLACK);
            assertThat(coarse).as("monotonic").isGreaterThanOrEqualTo(previous);
            if (coarse > previous) {
                advanced++;
            }
            previous = coarse;
            Thread.sleep(0, 200_000);
        }
    }

    @Test
    void itsThreadIsADaemon() {
        CoarseClock.INSTANCE.nanoTime();
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().equals("nebula-coarse-clock"))
                .singleElement()
                .matches(Thread::isDaemon, "is a daemon");
    }

    @Test
    void poolsOnTheSystemClockReadItOnTheirHitPathAndOthersReadTheirOwnTicker() {
        FakeTicker fake = new FakeTicker();
        AbstractPool<?> onFake = (AbstractPool<?>) Pools.direct(new FakeProvider(), fake).build();
        AbstractPool<?> onSystem = (AbstractPool<?>) ResourcePool.builder(new FakeProvider(),
                io.nebula.resource.ResourceSettings.of("sys", "fake", java.util.Map.of())).build();
        try {
            assertThat(onFake.hitClock).isSameAs(fake);
            assertThat(onSystem.hitClock).isSameAs(CoarseClock.INSTANCE);
        } finally {
            onFake.close();
            onSystem.close();
        }
    }
}
