package example;

import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Compiles only when the BOM gave the modules their versions. */
@ApplicationScoped
public class Orders {

    @Inject
    @NebulaResource("orders-db")
    DataSource orders;

    public boolean reachable() throws SQLException {
        try (Connection connection = orders.getConnection()) {
            return connection.isValid(1);
        }
    }
}
