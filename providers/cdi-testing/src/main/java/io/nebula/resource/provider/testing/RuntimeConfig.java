package io.nebula.resource.provider.testing;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Marks a no-argument method of a {@link NebulaWeldTest} that returns a {@code Map<String, String>} of
 * configuration known only when the test runs: the port of a server the test started, a temporary
 * directory. It is called on the test instance before the container starts, so it may read the
 * instance's fields (their initialisers and {@code @TempDir} have run), not what {@code @BeforeEach}
 * sets. Its properties join those of {@link TestConfig} and win over them.
 */
@Retention(RUNTIME)
@Target(METHOD)
public @interface RuntimeConfig {
}
