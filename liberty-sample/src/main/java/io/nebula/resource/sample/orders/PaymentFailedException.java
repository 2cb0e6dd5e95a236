package io.nebula.resource.sample.orders;

/** The payment provider did not capture an order's charge. */
public class PaymentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PaymentFailedException(String orderId, int status, String body) {
        super("The payments-api resource did not capture the charge of order " + orderId + ": HTTP " + status
                + (body == null || body.isBlank() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body)));
    }
}
