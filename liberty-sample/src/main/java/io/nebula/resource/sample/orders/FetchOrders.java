package io.nebula.resource.sample.orders;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The first action of the {@code fetch-orders} workflow: takes in the tenant's new orders (from a
 * simulated order feed, a few per run) and lists its open ones, with customer names read through the
 * cache.
 */
@ApplicationScoped
public class FetchOrders {

    static final int ORDERS_PER_RUN = 3;
    static final int MAX_LISTED = 100;

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    @Inject
    CustomerCache customers;

    /** What one run found: the open orders and how the customer names were found. */
    public record Fetched(int received, List<Order> open, int cacheHits, int cacheMisses) {
    }

    @Action(value = "FetchOrders", resources = {"orders-db", "cache"})
    public Fetched fetch(String tenant) throws SQLException {
        try (Connection c = orders.getConnection()) {
            Tables.ORDERS.ensure(c);
            receive(c, tenant);
            List<Order> open = new ArrayList<>();
            int hits = 0;
            int misses = 0;
            try (PreparedStatement query = c.prepareStatement(
                    "SELECT id, customer_id, amount_cents, currency, status, charge_id FROM sample_orders"
                            + " WHERE tenant = ? AND status = 'NEW' ORDER BY created_at, id")) {
                query.setString(1, tenant);
                query.setMaxRows(MAX_LISTED);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String customerId = rows.getString(2);
                        String name = customers.name(customerId).orElse(null);
                        if (name != null) {
                            hits++;
                        } else {
                            misses++;
                            name = customerName(c, customerId);
                            customers.remember(customerId, name);
                        }
                        open.add(new Order(rows.getString(1), tenant, customerId, name, rows.getLong(3),
                                rows.getString(4), rows.getString(5), rows.getString(6)));
                    }
                }
            }
            return new Fetched(ORDERS_PER_RUN, open, hits, misses);
        }
    }

    /** The simulated feed: {@value #ORDERS_PER_RUN} orders from random customers, 5 to 250 EUR each. */
    private static void receive(Connection c, String tenant) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO sample_orders"
                + " (id, tenant, customer_id, amount_cents, currency, status, created_at) VALUES (?, ?, ?, ?, 'EUR', 'NEW', ?)")) {
            for (int i = 0; i < ORDERS_PER_RUN; i++) {
                insert.setString(1, "o-" + UUID.randomUUID().toString().substring(0, 13));
                insert.setString(2, tenant);
                insert.setString(3, Tables.CUSTOMERS.get(random.nextInt(Tables.CUSTOMERS.size()))[0]);
                insert.setLong(4, 500 + random.nextLong(24_500));
                insert.setTimestamp(5, Timestamp.from(Instant.now()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String customerName(Connection c, String customerId) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT name FROM sample_customers WHERE id = ?")) {
            query.setString(1, customerId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : customerId;
            }
        }
    }
}
