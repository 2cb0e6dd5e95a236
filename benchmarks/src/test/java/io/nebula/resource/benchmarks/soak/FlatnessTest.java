package io.nebula.resource.benchmarks.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The soak's flatness: a fitted line's drift against 5% of the mean, or one unit for counts. */
class FlatnessTest {

    private static final double[] T = {300, 330, 360, 390, 420, 450, 480, 510, 540};

    @Test
    void aSteadyGrowthOfSixPercentIsNotFlatAndFourPercentIs() {
        Flatness six = Flatness.of(T, line(100, 106), 0.05, 0);
        assertThat(six.drift()).isCloseTo(6, within(1e-9));
        assertThat(six.driftPercent()).isCloseTo(6 / 1.03, within(1e-9));
        assertThat(six.flat()).isFalse();
        assertThat(Flatness.of(T, line(100, 104), 0.05, 0).flat()).isTrue();
        assertThat(Flatness.of(T, line(106, 100), 0.05, 0).flat()).as("a fall is a drift too").isFalse();
    }

    @Test
    void oneHighSampleDoesNotDecideWhereTheLastAgainstTheFirstWould() {
        double[] y = {100, 101, 99, 100, 140, 100, 99, 101, 100};
        Flatness f = Flatness.of(T, y, 0.05, 0);
        assertThat(f.flat()).isTrue();
        assertThat(f.max()).isEqualTo(140);
        double[] lastHigh = {100, 101, 99, 100, 100, 100, 99, 101, 112};
        assertThat(Flatness.of(T, lastHigh, 0.05, 0).flat()).as("a rise at the end still tilts the line").isFalse();
    }

    @Test
    void aCountMayStepByOneUnitAnywhereButNotByTwo() {
        double[] oneMore = {8, 8, 8, 8, 9, 9, 9, 9, 9};
        assertThat(Flatness.of(T, oneMore, 0.05, 1).flat()).isTrue();
        assertThat(Flatness.of(T, oneMore, 0.05, 0).flat()).isFalse();
        double[] oneFewerLate = {9, 9, 9, 9, 9, 9, 8, 8, 8};
        assertThat(Flatness.of(T, oneFewerLate, 0.05, 1).flat()).isTrue();
        double[] twoMore = {8, 8, 8, 9, 9, 9, 10, 10, 10};
        assertThat(Flatness.of(T, twoMore, 0.05, 1).flat()).isFalse();
        assertThat(Flatness.of(T, twoMore, 0.05, 1).allowed()).isEqualTo(1.5);
    }

    @Test
    void theFittedLinePassesThroughTheMeans() {
        Flatness f = Flatness.of(T, line(50, 58), 0.05, 0);
        assertThat(f.fitted(300)).isCloseTo(50, within(1e-9));
        assertThat(f.fitted(540)).isCloseTo(58, within(1e-9));
        assertThat(f.first()).isEqualTo(50);
        assertThat(f.last()).isEqualTo(58);
    }

    private static double[] line(double from, double to) {
        double[] y = new double[T.length];
        for (int i = 0; i < T.length; i++) {
            y[i] = from + (to - from) * (T[i] - T[0]) / (T[T.length - 1] - T[0]);
        }
        return y;
    }
}
