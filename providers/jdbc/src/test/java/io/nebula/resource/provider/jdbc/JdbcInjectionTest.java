package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One application bean, {@code @Inject @NebulaResource("orders-db") DataSource}, and only the
 * configuration saying which database {@code orders-db} is: PostgreSQL, MariaDB (through its driver or MySQL's) or
 * embedded H2. Each
 * runs real statements through the extension on Weld SE.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.pool.max-size=2",
        "nebula.resource.orders-db.pool.acquire-timeout=5s"})
class JdbcInjectionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Orders.class);

    @Inject
    Orders orders;

    @Inject
    @NebulaResource("orders-db")
    AgroalDataSource pool;

    /** What an application writes: a bean that needs a database and knows it by name only. */
    @ApplicationScoped
    static class Orders {

        @Inject
        @NebulaResource("orders-db")
        DataSource db;

        String database() throws SQLException {
            try (Connection c = db.getConnection()) {
                return c.getMetaData().getDatabaseProductName();
            }
        }

        /** Records two orders in a table of its own, sums them with a query, and drops the table. */
        BigDecimal recordTwoOrdersAndTotal() throws SQLException {
            String table = "orders_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = db.getConnection(); Statement ddl = c.createStatement()) {
                ddl.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, total DECIMAL(10, 2) NOT NULL)");
                try {
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                        insert.setInt(1, 1);
                        insert.setBigDecimal(2, new BigDecimal("19.90"));
                        insert.executeUpdate();
                        insert.setInt(1, 2);
                        insert.setBigDecimal(2, new BigDecimal("5.10"));
                        insert.executeUpdate();
                    }
                    try (Statement query = c.createStatement();
                         ResultSet sum = query.executeQuery("SELECT SUM(total) FROM " + table)) {
                        sum.next();
                        return sum.getBigDecimal(1);
                    }
                } finally {
                    ddl.execute("DROP TABLE " + table);
                }
            }
        }
    }

    @Test
    @TestConfig({
            "nebula.resource.orders-db.kind=postgresql",
            "nebula.resource.orders-db.url=" + Databases.POSTGRESQL_URL,
            "nebula.resource.orders-db.username=postgres"})
    void onPostgresql() throws SQLException {
        assertThat(orders.database()).isEqualTo("PostgreSQL");
        assertThat(orders.recordTwoOrdersAndTotal()).isEqualByComparingTo("25.00");
        assertThat(poolMaxSize()).as("pool.max-size from MicroProfile Config reached Agroal").isEqualTo(2);
    }

    @Test
    @TestConfig({
            "nebula.resource.orders-db.kind=mariadb",
            "nebula.resource.orders-db.url=" + Databases.MARIADB_URL,
            "nebula.resource.orders-db.username=root",
            "nebula.resource.orders-db.properties.sslMode=disable"})
    void onMariadb() throws SQLException {
        assertThat(orders.database()).isEqualTo("MariaDB");
        assertThat(orders.recordTwoOrdersAndTotal()).isEqualByComparingTo("25.00");
        assertThat(poolMaxSize()).isEqualTo(2);
    }

    /** Kind mysql: MySQL Connector/J, here against the local MariaDB, which it reports as MySQL-compatible. */
    @Test
    @TestConfig({
            "nebula.resource.orders-db.kind=mysql",
            "nebula.resource.orders-db.url=" + Databases.MYSQL_URL,
            "nebula.resource.orders-db.username=root"})
    void onMysqlConnectorJ() throws SQLException {
        try (Connection c = pool.getConnection()) {
            assertThat(c.getMetaData().getDriverName()).isEqualTo("MySQL Connector/J");
        }
        assertThat(orders.recordTwoOrdersAndTotal()).isEqualByComparingTo("25.00");
        assertThat(poolMaxSize()).isEqualTo(2);
    }

    @Test
    @TestConfig("nebula.resource.orders-db.kind=h2")
    void onEmbeddedH2WithNoUrl() throws SQLException {
        assertThat(orders.database()).isEqualTo("H2");
        assertThat(orders.recordTwoOrdersAndTotal()).isEqualByComparingTo("25.00");
        assertThat(poolMaxSize()).isEqualTo(2);
    }

    private int poolMaxSize() {
        return pool.getConfiguration().connectionPoolConfiguration().maxSize();
    }
}
