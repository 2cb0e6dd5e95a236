package io.nebula.resource.sample.payments;

import java.time.Instant;

/**
 * A charge the fake payments API accepted. {@code traceparent} is the W3C trace header the request
 * carried, if any, so the sample can show that traces flow into outgoing HTTP calls.
 */
public record Charge(String id, String orderId, long amountCents, String currency, String status,
                     Instant created, String traceparent) {
}
