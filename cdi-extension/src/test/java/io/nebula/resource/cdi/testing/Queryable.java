package io.nebula.resource.cdi.testing;

/**
 * Implemented by {@link TestConnection} and also offered as a view: a view that is a supertype of the
 * provider's type, as JDBC offers its {@code AgroalDataSource} as {@code DataSource}.
 */
public interface Queryable {

    String query(String q);
}
