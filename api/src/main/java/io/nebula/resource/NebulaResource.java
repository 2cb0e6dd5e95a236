package io.nebula.resource;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Objects;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Names a declared resource at an injection point.
 *
 * <pre>{@code
 * @Inject @NebulaResource("orders-db") DataSource orders;
 * @Inject @NebulaResource("jobs") Lease<Channel> channel;
 * }</pre>
 *
 * The name refers to the configuration under {@code nebula.resource.<name>.*}; an injection point
 * naming a resource that is not declared fails the deployment.
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, METHOD, TYPE})
public @interface NebulaResource {

    /** The resource name, as in {@code nebula.resource.<name>.kind}. */
    String value();

    /** A literal for programmatic lookups: {@code instance.select(DataSource.class, NebulaResource.Literal.of("orders-db"))}. */
    final class Literal extends AnnotationLiteral<NebulaResource> implements NebulaResource {
        private static final long serialVersionUID = 1L;
        private final String value;

        private Literal(String value) {
            this.value = Objects.requireNonNull(value, "value");
        }

        public static Literal of(String name) {
            return new Literal(name);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
