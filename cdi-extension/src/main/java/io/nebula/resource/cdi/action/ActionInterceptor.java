package io.nebula.resource.cdi.action;

import io.nebula.resource.Action;
import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.cdi.ScopeHandle;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Runs an {@link Action} method in a new action scope, nested in the thread's current tenant, workflow
 * and execution. Before the method runs, each declared resource is acquired in the order given and
 * bound where the resource's scope says (the action itself for a {@code global}, {@code tenant} or
 * {@code action} resource): the method's injected proxies then use these very leases. If one cannot be
 * acquired, the method does not run and the acquisition's exception is thrown. Leaving the action
 * scope, on return or on exception, releases every lease bound to it. The scope and the leases are the
 * runtime's ({@link ActionScopes}). With a {@link Action#timeout()}, the action's acquisitions (these leases, and
 * every one its method makes) run within that deadline, or the thread's when that is earlier.
 */
@Action
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 100)
public class ActionInterceptor {

    private static final String[] NONE = {};

    private final ActionScopes scopes;

    @Inject
    ActionInterceptor(ActionScopes scopes) {
        this.scopes = scopes;
    }

    @AroundInvoke
    @SuppressWarnings("try") // the handle is only there to leave the action scope
    Object aroundAction(InvocationContext invocation) throws Exception {
        Method method = invocation.getMethod();
        Action action = bindingOf(method, invocation.getTarget());
        String name = action == null || action.value().isBlank()
                ? method.getDeclaringClass().getSimpleName() + "#" + method.getName() : action.value();
        Deadline deadline = action == null || action.timeout().isBlank() ? null : Deadline.after(timeoutOf(action));
        try (ScopeHandle ignored = scopes.enter(name, deadline, action == null ? NONE : action.resources())) {
            return invocation.proceed();
        }
    }

    /** Checked at deployment (the extension reports a timeout that is no duration), so read here as valid. */
    private static Duration timeoutOf(Action action) {
        Duration timeout = ResourceSettings.parseDuration(action.timeout());
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("@Action(timeout = \"" + action.timeout() + "\") is not a duration");
        }
        return timeout;
    }

    /**
     * The binding on the method, else on its class. Interceptors 2.1 (CDI 4.0) offers no portable way to
     * ask the invocation for its binding, so it is read from the annotations themselves.
     */
    private static Action bindingOf(Method method, Object target) {
        Action onMethod = method.getAnnotation(Action.class);
        if (onMethod != null) {
            return onMethod;
        }
        for (Class<?> c = target == null ? method.getDeclaringClass() : target.getClass(); c != null; c = c.getSuperclass()) {
            Action onClass = c.getAnnotation(Action.class);
            if (onClass != null) {
                return onClass;
            }
        }
        return method.getDeclaringClass().getAnnotation(Action.class);
    }
}
