package io.nebula.resource.it.scenarios;

import io.lettuce.core.api.sync.RedisCommands;
import io.nebula.resource.NebulaResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** The machine's PostgreSQL and Redis, injected on Quarkus as on any container. */
@ApplicationScoped
public class Backends {

    @Inject
    @NebulaResource("ledger-db")
    DataSource ledger;

    @Inject
    @NebulaResource("cache")
    RedisCommands<String, String> cache;

    String ledgerProduct() throws SQLException {
        try (Connection c = ledger.getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }

    String roundTrip(String key, String value) {
        cache.set(key, value);
        try {
            return cache.get(key);
        } finally {
            cache.del(key);
        }
    }
}
