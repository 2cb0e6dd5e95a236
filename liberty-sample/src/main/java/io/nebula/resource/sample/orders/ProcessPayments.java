package io.nebula.resource.sample.orders;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.http.HttpEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Charges the tenant's open orders through the {@code payments-api} resource (the sample's own fake
 * payment provider by default) and marks each captured order paid.
 */
@ApplicationScoped
public class ProcessPayments {

    static final int MAX_PER_RUN = 50;

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    @Inject
    @NebulaResource("payments-api")
    HttpEndpoint payments;

    @Action(value = "ProcessPayments", resources = {"orders-db", "payments-api"})
    public List<Order> process(String tenant) throws SQLException, IOException, InterruptedException {
        List<Order> paid = new ArrayList<>();
        try (Connection c = orders.getConnection()) {
            Tables.ORDERS.ensure(c);
            for (Order order : open(c, tenant)) {
                String charge = charge(order);
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE sample_orders SET status = 'PAID', charge_id = ? WHERE id = ? AND status = 'NEW'")) {
                    update.setString(1, charge);
                    update.setString(2, order.id());
                    if (update.executeUpdate() == 1) {
                        paid.add(order.paid(charge));
                    }
                }
            }
        }
        return paid;
    }

    private String charge(Order order) throws IOException, InterruptedException {
        String body = Json.createObjectBuilder()
                .add("orderId", order.id())
                .add("amountCents", order.amountCents())
                .add("currency", order.currency())
                .build().toString();
        HttpResponse<String> response = payments.send(payments.request("charges")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new PaymentFailedException(order.id(), response.statusCode(), response.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            JsonObject charge = reader.readObject();
            return charge.getString("id");
        }
    }

    private static List<Order> open(Connection c, String tenant) throws SQLException {
        List<Order> open = new ArrayList<>();
        try (PreparedStatement query = c.prepareStatement(
                "SELECT o.id, o.customer_id, c.name, o.amount_cents, o.currency FROM sample_orders o"
                        + " JOIN sample_customers c ON c.id = o.customer_id"
                        + " WHERE o.tenant = ? AND o.status = 'NEW' ORDER BY o.created_at, o.id")) {
            query.setString(1, tenant);
            query.setMaxRows(MAX_PER_RUN);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    open.add(new Order(rows.getString(1), tenant, rows.getString(2), rows.getString(3),
                            rows.getLong(4), rows.getString(5), "NEW", null));
                }
            }
        }
        return open;
    }
}
