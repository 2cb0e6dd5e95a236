package io.nebula.resource.sample.payments;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The fake payment service's memory: every accepted charge, the most recent {@value #CAPACITY} kept,
 * so a sample left running for days does not grow without bound.
 */
@ApplicationScoped
public class ChargeBook {

    static final int CAPACITY = 10_000;
    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

    private final Clock clock;
    /** The HTTP status every call answers during a simulated outage; 0 when the service is up. */
    private volatile int outage;
    private final Map<String, Charge> charges = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Charge> eldest) {
            return size() > CAPACITY;
        }
    };

    public ChargeBook() {
        this(Clock.systemUTC());
    }

    ChargeBook(Clock clock) {
        this.clock = clock;
    }

    /** Every reason the request cannot be charged; empty when it can. */
    static List<String> problems(ChargeRequest request) {
        List<String> problems = new ArrayList<>();
        if (request == null) {
            problems.add("a JSON body {orderId, amountCents, currency} is required");
            return problems;
        }
        if (request.orderId() == null || request.orderId().isBlank()) {
            problems.add("orderId is required");
        }
        if (request.amountCents() <= 0) {
            problems.add("amountCents must be positive, was " + request.amountCents());
        }
        if (request.currency() == null || !CURRENCY.matcher(request.currency()).matches()) {
            problems.add("currency must be a three-letter ISO 4217 code, was '" + request.currency() + "'");
        }
        return problems;
    }

    /** Captures a valid request; see {@link #problems}. */
    Charge capture(ChargeRequest request, String traceparent) {
        Charge charge = new Charge("ch_" + UUID.randomUUID().toString().replace("-", ""), request.orderId(),
                request.amountCents(), request.currency().toUpperCase(Locale.ROOT), "captured",
                Instant.now(clock), traceparent);
        synchronized (charges) {
            charges.put(charge.id(), charge);
        }
        return charge;
    }

    /** Starts a simulated outage: every call answers {@code status} until {@link #endOutage()}. */
    void startOutage(int status) {
        outage = status;
    }

    void endOutage() {
        outage = 0;
    }

    /** The status of the simulated outage, if one is going on. */
    Optional<Integer> outage() {
        int status = outage;
        return status == 0 ? Optional.empty() : Optional.of(status);
    }

    Optional<Charge> find(String id) {
        synchronized (charges) {
            return Optional.ofNullable(charges.get(id));
        }
    }

    int size() {
        synchronized (charges) {
            return charges.size();
        }
    }
}
