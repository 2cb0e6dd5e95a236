package io.nebula.resource;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Marks a workflow action and declares the resources it uses.
 *
 * <p>On entry the action scope is activated and every declared resource is acquired before the
 * method runs; if one cannot be acquired (pool exhausted, backend down, circuit open, quota) the
 * method does not run and the acquisition error is thrown. Every lease is released on exit, whether
 * the method returns or throws.
 *
 * <pre>{@code
 * @Action(resources = {"orders-db", "payments-api"})
 * void processPayments(Order order) { ... }
 * }</pre>
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RUNTIME)
@Target({METHOD, TYPE})
public @interface Action {

    /** Action name used in logs, spans and audit records; defaults to {@code Class#method}. */
    @Nonbinding
    String value() default "";

    /** Names of the resources this action needs, acquired in this order. */
    @Nonbinding
    String[] resources() default {};
}
