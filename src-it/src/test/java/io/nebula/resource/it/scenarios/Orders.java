package io.nebula.resource.it.scenarios;

import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** An application bean over the {@code orders-db} resource: a JDBC DataSource injected by the extension. */
@ApplicationScoped
public class Orders {

    @Inject
    @NebulaResource("orders-db")
    DataSource db;

    public void createTable() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists it_orders (id varchar(40) primary key, cents bigint not null)");
        }
    }

    public void add(String id, long cents) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("insert into it_orders (id, cents) values (?, ?)")) {
            s.setString(1, id);
            s.setLong(2, cents);
            s.executeUpdate();
        }
    }

    public long totalCents() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select coalesce(sum(cents), 0) from it_orders")) {
            r.next();
            return r.getLong(1);
        }
    }

    public String databaseProduct() throws SQLException {
        try (Connection c = db.getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }
}
