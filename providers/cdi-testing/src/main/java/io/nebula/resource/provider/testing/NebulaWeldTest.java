package io.nebula.resource.provider.testing;

import org.jboss.weld.junit5.EnableWeld;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A provider test through the CDI extension on Weld SE. Before each test its {@link TestConfig} and
 * {@link RuntimeConfig} become the MicroProfile Config of the test's class loader; then the container
 * of the test's {@code @WeldSetup} field (usually {@link NebulaWeld#of}) starts, so the extension
 * declares the resources that configuration names, exactly as in an application.
 *
 * <pre>{@code
 * @NebulaWeldTest
 * @TestConfig({"nebula.resource.orders-db.kind=h2"})
 * class OrdersTest {
 *     @WeldSetup WeldInitiator weld = NebulaWeld.of(Orders.class);
 *     @Inject Orders orders;
 *     ...
 * }
 * }</pre>
 */
@Retention(RUNTIME)
@Target(TYPE)
@ExtendWith(TestConfigExtension.class)
@EnableWeld
public @interface NebulaWeldTest {
}
