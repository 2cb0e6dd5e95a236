package io.nebula.resource.cdi.testing;

import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * MicroProfile Config properties for one test, {@code "key=value"} each; a method's are added to its
 * class's. They form a config source of ordinal 100 (like {@code microprofile-config.properties}), so
 * system properties and environment variables override them as they would in an application.
 */
@Inherited
@Retention(RUNTIME)
@Target({TYPE, METHOD})
public @interface TestConfig {
    String[] value();
}
