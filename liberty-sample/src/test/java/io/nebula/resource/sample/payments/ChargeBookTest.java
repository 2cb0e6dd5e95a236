package io.nebula.resource.sample.payments;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ChargeBookTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private final ChargeBook book = new ChargeBook(clock);

    @Test
    void everyProblemWithARequestIsReportedAtOnce() {
        assertThat(ChargeBook.problems(new ChargeRequest(" ", -5, "euro"))).containsExactly(
                "orderId is required",
                "amountCents must be positive, was -5",
                "currency must be a three-letter ISO 4217 code, was 'euro'");
        assertThat(ChargeBook.problems(null)).hasSize(1);
        assertThat(ChargeBook.problems(new ChargeRequest("o-1", 1250, "eur"))).isEmpty();
    }

    @Test
    void aCapturedChargeCanBeFoundByItsId() {
        Charge charge = book.capture(new ChargeRequest("o-1", 1250, "eur"), "00-abc-def-01");
        assertThat(charge.id()).startsWith("ch_");
        assertThat(charge.status()).isEqualTo("captured");
        assertThat(charge.currency()).isEqualTo("EUR");
        assertThat(charge.created()).isEqualTo(clock.instant());
        assertThat(charge.traceparent()).isEqualTo("00-abc-def-01");
        assertThat(book.find(charge.id())).contains(charge);
        assertThat(book.find("ch_unknown")).isEmpty();
    }

    @Test
    void keepsOnlyTheMostRecentCharges() {
        Charge first = book.capture(new ChargeRequest("o-0", 1, "EUR"), null);
        Charge last = null;
        for (int i = 1; i <= ChargeBook.CAPACITY; i++) {
            last = book.capture(new ChargeRequest("o-" + i, 1, "EUR"), null);
        }
        assertThat(book.size()).isEqualTo(ChargeBook.CAPACITY);
        assertThat(book.find(first.id())).isEmpty();
        assertThat(book.find(last.id())).isPresent();
    }

    @Test
    void anOutageLastsUntilItIsEnded() {
        assertThat(book.outage()).isEmpty();

        book.startOutage(503);
        assertThat(book.outage()).contains(503);

        book.endOutage();
        assertThat(book.outage()).isEmpty();
    }
}
