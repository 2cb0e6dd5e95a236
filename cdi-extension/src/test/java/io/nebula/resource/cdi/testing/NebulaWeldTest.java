package io.nebula.resource.cdi.testing;

import org.jboss.weld.junit5.EnableWeld;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A Weld SE test of the extension: the test's {@link TestConfig} is registered as MicroProfile Config
 * first, then the container (the test's {@code @WeldSetup} field, usually {@link Deployments#weld}) starts.
 */
@Retention(RUNTIME)
@Target(TYPE)
@ExtendWith(TestConfigExtension.class)
@EnableWeld
public @interface NebulaWeldTest {
}
