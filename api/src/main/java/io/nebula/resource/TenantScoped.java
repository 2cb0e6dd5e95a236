package io.nebula.resource;

import jakarta.enterprise.context.NormalScope;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A bean lives as long as the current tenant. Scopes nest Global &rarr; Tenant &rarr; Workflow &rarr;
 * Execution &rarr; Action; leaving a scope destroys its beans and releases the leases bound to it.
 *
 * @see ResourceScope#TENANT
 */
@NormalScope
@Inherited
@Documented
@Retention(RUNTIME)
@Target({TYPE, METHOD, FIELD})
public @interface TenantScoped {
}
