package io.nebula.resource.provider.jdbc;

import io.nebula.resource.ResourceSettings;

import java.util.HashMap;
import java.util.Map;

/** The local databases the tests run against (see shared/DESIGN.md: started by .ci/services). */
final class Databases {

    static final String POSTGRESQL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    /** The same local MariaDB, reached through MySQL Connector/J (kind {@code mysql}). */
    static final String MYSQL_URL = "jdbc:mysql://127.0.0.1:3306/test";

    private Databases() {
    }

    static ResourceSettings postgresql(String name, String... keyValues) {
        return settings(name, "postgresql", Map.of("url", POSTGRESQL_URL, "username", "postgres"), keyValues);
    }

    static ResourceSettings mariadb(String name, String... keyValues) {
        // MariaDB Connector/J 4 insists on TLS unless told otherwise; the local server has none.
        return settings(name, "mariadb", Map.of("url", MARIADB_URL, "username", "root",
                "properties.sslMode", "disable"), keyValues);
    }

    static ResourceSettings mysql(String name, String... keyValues) {
        // Connector/J prefers TLS and falls back to plain when the server has none, as the local one.
        return settings(name, "mysql", Map.of("url", MYSQL_URL, "username", "root"), keyValues);
    }

    static ResourceSettings h2(String name, String... keyValues) {
        return settings(name, "h2", Map.of(), keyValues);
    }

    private static ResourceSettings settings(String name, String kind, Map<String, String> base, String... keyValues) {
        Map<String, String> values = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of(name, kind, values);
    }
}
