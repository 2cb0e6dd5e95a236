package io.nebula.resource.cdi.scope;

import jakarta.enterprise.context.NormalScope;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * The scope of the beans that inject a leased resource. Not for applications: its context
 * ({@link LeaseContext}) places each instance in the scope its resource's lease is bound to, which
 * depends on the resource's configured scope and on the scopes active on the calling thread.
 */
@NormalScope
@Retention(RUNTIME)
@Target({TYPE, METHOD, FIELD})
public @interface ResourceLeaseScoped {
}
