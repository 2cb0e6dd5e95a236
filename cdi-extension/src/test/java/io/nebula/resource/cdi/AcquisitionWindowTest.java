package io.nebula.resource.cdi;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of a pool's last acquisitions, which grows from nothing with the pool's traffic. */
class AcquisitionWindowTest {

    @Test
    void anUnusedWindowHasNoFigures() {
        AcquisitionWindow window = new AcquisitionWindow();
        assertThat(window.recorded()).isZero();
        assertThat(AcquisitionWindow.of(List.of(window, new AcquisitionWindow()))).isNull();
    }

    @Test
    void growingKeepsEveryAcquisitionUntilTheRingIsFullThenTheLastOnesOnly() {
        AcquisitionWindow window = new AcquisitionWindow();
        for (long n = 1; n <= 300; n++) { // grows 8 -> 16 -> ... -> 512
            window.record(n, n % 10 == 0);
        }
        AcquisitionWindow.Figures figures = AcquisitionWindow.of(List.of(window));
        assertThat(figures.acquisitions()).isEqualTo(300);
        assertThat(figures.errorRate()).isEqualTo(0.1);
        assertThat(figures.p99Nanos()).isEqualTo(297); // nearest rank 297 of 1..300

        for (long n = 301; n <= 3000; n++) {
            window.record(n, false);
        }
        figures = AcquisitionWindow.of(List.of(window));
        assertThat(figures.acquisitions()).isEqualTo(AcquisitionWindow.SIZE);
        assertThat(figures.errorRate()).as("the failures were all before the last 1,024").isZero();
        assertThat(figures.p99Nanos()).isEqualTo(3000 - AcquisitionWindow.SIZE + (int) Math.ceil(0.99 * AcquisitionWindow.SIZE));
    }

    @Test
    void windowsAreReadTogether() {
        AcquisitionWindow quiet = new AcquisitionWindow();
        AcquisitionWindow busy = new AcquisitionWindow();
        quiet.record(1_000, true);
        for (int i = 0; i < 99; i++) {
            busy.record(10, false);
        }
        AcquisitionWindow.Figures figures = AcquisitionWindow.of(List.of(quiet, busy, new AcquisitionWindow()));
        assertThat(figures.acquisitions()).isEqualTo(100);
        assertThat(figures.errorRate()).isEqualTo(0.01);
        assertThat(figures.p99Nanos()).isEqualTo(10);
    }

    @Test
    void noAcquisitionIsLostWhileTheRingGrowsUnderConcurrentWriters() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            AcquisitionWindow window = new AcquisitionWindow();
            int threads = 4;
            int each = AcquisitionWindow.SIZE / threads;
            CountDownLatch start = new CountDownLatch(1);
            Thread[] writers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                long base = (long) t * each;
                writers[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int k = 0; k < each; k++) {
                        window.record(base + k, false);
                    }
                });
                writers[t].start();
            }
            start.countDown();
            for (Thread w : writers) {
                w.join();
            }
            long[] all = new long[AcquisitionWindow.SIZE];
            int n = window.copyInto(all, 0, all.length);
            Arrays.sort(all, 0, n);
            assertThat(Arrays.copyOf(all, n)).as("round %d", round)
                    .containsExactly(LongStream.range(0, AcquisitionWindow.SIZE).toArray());
        }
    }
}
