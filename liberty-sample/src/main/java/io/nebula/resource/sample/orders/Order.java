package io.nebula.resource.sample.orders;

/**
 * An order of one tenant. {@code status} is {@code NEW} until its payment is captured, then
 * {@code PAID} with the payment provider's {@code chargeId}.
 */
public record Order(String id, String tenant, String customerId, String customerName, long amountCents,
                    String currency, String status, String chargeId) {

    Order paid(String charge) {
        return new Order(id, tenant, customerId, customerName, amountCents, currency, "PAID", charge);
    }
}
