package io.nebula.resource;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 15, point 3: deadlines only tighten, in a context and on a thread. On given clock readings, not the clock. */
class DeadlineTest {

    private static final long NOW = 5_000_000_000L;

    @Test
    void aContextKeepsTheEarlierOfItsDeadlineAndAGivenOne() {
        Deadline soon = Deadline.after(Duration.ofMillis(250), NOW);
        Deadline later = Deadline.after(Duration.ofSeconds(2), NOW);
        ResourceContext execution = new ResourceContext("acme", "billing", "run-42", null);

        assertThat(execution.deadline()).isNull();
        assertThat(execution.withDeadline(later).withDeadline(soon).deadline()).isSameAs(soon);
        assertThat(execution.withDeadline(soon).withDeadline(later).deadline()).isSameAs(soon);
        assertThat(execution.withDeadline(soon).withDeadline(null).deadline()).isSameAs(soon);
        assertThat(execution.withDeadline(soon).execution()).isEqualTo("run-42");
    }

    @Test
    void whatIsLeftIsReadAgainstTheClockItWasSetOn() {
        Deadline d = Deadline.after(Duration.ofMillis(250), NOW);

        assertThat(d.remainingNanos(NOW + 100_000_000L)).isEqualTo(150_000_000L);
        assertThat(d.remainingNanos(NOW + 300_000_000L)).isNegative();
        assertThat(d.budget()).isEqualTo(Duration.ofMillis(250));
        assertThat(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), NOW).remainingNanos(NOW)).isPositive();
        assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1), NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aThreadsDeadlineIsTheEarliestBoundAndClosingPutsThePreviousBack() {
        Deadline outer = Deadline.after(Duration.ofSeconds(2), NOW);
        Deadline inner = Deadline.after(Duration.ofMillis(250), NOW);
        Deadline looser = Deadline.after(Duration.ofSeconds(9), NOW);

        assertThat(Deadline.current()).isNull();
        try (Deadline.Binding o = outer.bind()) {
            assertThat(Deadline.current()).isSameAs(outer);
            try (Deadline.Binding i = inner.bind()) {
                assertThat(Deadline.current()).isSameAs(inner);
                try (Deadline.Binding l = looser.bind()) {
                    assertThat(Deadline.current()).as("a deadline only tightens").isSameAs(inner);
                }
                assertThat(Deadline.current()).isSameAs(inner);
            }
            assertThat(Deadline.current()).isSameAs(outer);
        }
        assertThat(Deadline.current()).isNull();
    }
}
