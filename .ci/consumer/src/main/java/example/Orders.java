package example;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** docs/getting-started.md's action: a declared resource injected by name, used inside an {@code @Action}. */
@ApplicationScoped
public class Orders {

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    @Action(value = "PlaceOrder", resources = "orders-db")
    public int place(String item) throws SQLException {
        try (Connection c = orders.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (item VARCHAR(64))");
            s.execute("INSERT INTO orders VALUES ('" + item.replace("'", "''") + "')");
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders")) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
