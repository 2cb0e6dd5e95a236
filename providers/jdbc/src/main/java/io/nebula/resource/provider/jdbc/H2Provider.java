package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kind {@code h2}: an Agroal pool of H2 connections, the embedded default that needs no server.
 * Without {@code url} the database lives in memory under the resource's name and, through
 * {@code DB_CLOSE_DELAY=-1}, as long as the JVM (so a resource re-created after an error finds its
 * data again); a {@code jdbc:h2:file:} or {@code jdbc:h2:tcp:} URL works as well.
 */
public final class H2Provider extends JdbcProvider {

    /** CONNECTION_BROKEN_1, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final Set<Integer> SESSION_ENDED = Set.of(90067, 90098, 90121);
    /** DATABASE_NOT_FOUND_1, SCHEMA_NOT_FOUND_1, DATABASE_NOT_FOUND_WITH_IF_EXISTS_1. */
    private static final Set<Integer> PERMANENT = Set.of(90013, 90079, 90146);

    public H2Provider() {
        super("h2", "org.h2.Driver", "com.h2database:h2", "jdbc:h2:");
    }

    @Override
    String defaultUrl(String resource) {
        return "jdbc:h2:mem:" + resource + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String exampleUrl() {
        return "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1 or jdbc:h2:file:./data/orders";
    }

    @Override
    void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        factory.initialSql("SET SCHEMA " + schema);
    }

    /** H2 keeps the schema as session state: back to the configured one, or PUBLIC. */
    @Override
    List<String> resetStatements(Optional<String> schema) {
        return List.of("SET SCHEMA " + schema.orElse("PUBLIC"));
    }

    @Override
    boolean isBrokenConnection(SQLException error) {
        return SESSION_ENDED.contains(error.getErrorCode());
    }

    @Override
    boolean isPermanentFailure(SQLException error) {
        return PERMANENT.contains(error.getErrorCode());
    }
}
