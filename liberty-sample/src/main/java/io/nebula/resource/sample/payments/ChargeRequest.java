package io.nebula.resource.sample.payments;

/** What a caller asks the fake payments API to charge. Amounts are in the currency's minor unit. */
public record ChargeRequest(String orderId, long amountCents, String currency) {
}
