package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@code mariadb} and {@code mysql} kinds share, whatever their driver: the server's error codes, a schema
 * that is a database, and a session reset made of statements. Their drivers differ in how a login is bounded.
 */
abstract class MysqlProtocolProvider extends JdbcProvider {

    /**
     * ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB's answer to {@code KILL}), ER_CLIENT_INTERACTION_TIMEOUT: the
     * server ended the session. Connector/J reports most lost sessions as SQLState {@code 08S01} anyway.
     */
    private static final Set<Integer> SESSION_ENDED = Set.of(1053, 1927, 4031);
    /**
     * ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_BAD_DB_ERROR (unknown database, which the server reports
     * with SQLState 42000 like any syntax error), ER_ACCESS_DENIED_NO_PASSWORD_ERROR.
     */
    private static final Set<Integer> PERMANENT = Set.of(1044, 1045, 1049, 1698);

    MysqlProtocolProvider(String kind, String driverClass, String driverArtifact, String urlPrefix) {
        super(kind, driverClass, driverArtifact, urlPrefix);
    }

    /** A schema is a database: new connections switch to it. */
    @Override
    final void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
        factory.initialSql("USE `" + schema + "`");
    }

    /**
     * No statement resets a whole session (Connector/J's {@code resetServerState} is its own API, which the provider
     * does not compile against): the role, and the database when one is configured. Add what the application changes
     * (user variables, {@code SET SESSION ...}) with {@code session.reset-sql}.
     */
    @Override
    final List<String> resetStatements(Optional<String> schema) {
        List<String> statements = new ArrayList<>();
        schema.ifPresent(s -> statements.add("USE `" + s + "`"));
        statements.add("SET ROLE NONE");
        return statements;
    }

    @Override
    final boolean isBrokenConnection(SQLException error) {
        return SESSION_ENDED.contains(error.getErrorCode());
    }

    @Override
    final boolean isPermanentFailure(SQLException error) {
        return PERMANENT.contains(error.getErrorCode());
    }
}
