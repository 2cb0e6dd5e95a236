package io.nebula.resource.sample.orders;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.sample.cache.LocalCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Writes the captured payments to the {@code ledger} (a resource that depends on {@code orders-db}:
 * its entries point at orders there) and keeps the tenant's running totals in {@code tenant-store},
 * a tenant-scoped resource: each tenant has an instance of its own, so one tenant never sees another's
 * totals.
 */
@ApplicationScoped
public class RecordLedger {

    static final String PAID_ORDERS = "paid-orders";
    static final String PAID_CENTS = "paid-cents";

    @Inject
    @NebulaResource("ledger")
    DataSource ledger;

    @Inject
    @NebulaResource("tenant-store")
    LocalCache tenantStore;

    /** The tenant's totals since the sample started, as kept in its own {@code tenant-store}. */
    public record TenantTotals(String tenant, int recorded, long paidOrders, long paidCents) {
    }

    @Action(value = "RecordLedger", resources = {"ledger", "tenant-store"})
    public TenantTotals record(String tenant, String execution, List<Order> paid) throws SQLException {
        if (!paid.isEmpty()) {
            try (Connection c = ledger.getConnection()) {
                Tables.LEDGER.ensure(c);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO sample_ledger"
                        + " (tenant, order_id, charge_id, amount_cents, currency, execution, recorded_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (Order order : paid) {
                        insert.setString(1, tenant);
                        insert.setString(2, order.id());
                        insert.setString(3, order.chargeId());
                        insert.setLong(4, order.amountCents());
                        insert.setString(5, order.currency());
                        insert.setString(6, execution);
                        insert.setTimestamp(7, Timestamp.from(Instant.now()));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
        }
        long orders = add(PAID_ORDERS, paid.size());
        long cents = add(PAID_CENTS, paid.stream().mapToLong(Order::amountCents).sum());
        return new TenantTotals(tenant, paid.size(), orders, cents);
    }

    /**
     * Adds to a counter of the current tenant. Two runs of one tenant at the same moment could lose an
     * update: the totals are a display, the ledger is the record.
     */
    private long add(String counter, long amount) {
        long value = tenantStore.get(counter).map(Long::parseLong).orElse(0L) + amount;
        tenantStore.put(counter, Long.toString(value));
        return value;
    }
}
