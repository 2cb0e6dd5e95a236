package io.nebula.resource.provider.testing;

import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * MicroProfile Config properties of a {@link NebulaWeldTest}, {@code "key=value"} each; a method's are
 * added to its class's. They form a config source of ordinal 100, the ordinal of
 * {@code microprofile-config.properties}, so they read as an application's configuration would.
 */
@Inherited
@Retention(RUNTIME)
@Target({TYPE, METHOD})
public @interface TestConfig {
    String[] value();
}
