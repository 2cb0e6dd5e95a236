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
 * @Action(resources = {"orders-db", "payments-api"}, timeout = "2s")
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

    /**
     * The action's time budget, from when it is entered: {@code "250ms"}, {@code "2s"} or ISO-8601 ({@code "PT0.25S"});
     * empty for none. Its acquisitions — the leases of {@link #resources()} and every one the method makes — never
     * wait, retry or back off past it, and fail with {@link AcquisitionTimeoutException} reason
     * {@code DEADLINE_EXCEEDED} when it leaves them no time; an HTTP resource sends what is left of it downstream. Inside
     * a workflow scope entered with a deadline, the earlier of the two holds. A value that is no duration fails
     * deployment.
     */
    @Nonbinding
    String timeout() default "";
}
