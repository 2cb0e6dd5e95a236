package io.nebula.resource.cdi.inject;

import io.nebula.resource.ResourceException;
import io.nebula.resource.cdi.scope.ScopeRegistry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * What a bean is given for the shared instance of a resource (a resident resource of global scope, injected as the
 * instance itself) when that instance could not be had as the bean was made: the backend was down, or known to be
 * (the resource failed, its circuit open, quarantined). Making the bean touches no backend known to be down and never
 * fails because of one; the resource's first use does, with the exception of an acquisition, and the bean's other
 * resources keep working.
 *
 * <p>A stand-in has the instance at its first call, as any acquisition has it (through the resource's pipeline: its
 * budget, retries, circuit), and from then on passes every call to it: the same injected reference works once the
 * backend is back, without the bean being made again. Until then each call tries again and, when the instance still
 * cannot be had, throws what the provider makes of the refusal for the view ({@code ResourceProvider.refusalAs}: an
 * {@code SQLException} for a JDBC data source), or the refusal itself. {@code toString}, {@code equals} and
 * {@code hashCode} never ask for the instance.
 *
 * <p>It is a JDK dynamic proxy, so only a view that is an interface can be stood in for; a class (the filesystem's
 * {@code RootedStorage}, an {@code HttpClient}) is had at injection as before. What it costs once it has the
 * instance: each call is the proxy's dispatch, one volatile read and a reflective call of the instance's method
 * (with an array of the arguments). Only beans made while the instance was missing hold one: a bean made while
 * the instance is live gets the instance itself.
 */
final class StandIn implements InvocationHandler {

    private static final System.Logger LOG = System.getLogger(StandIn.class.getName());

    private final InjectableResource resource;
    private final Class<?> view;
    private final ScopeRegistry scopes;
    private volatile Object instance;

    private StandIn(InjectableResource resource, Class<?> view, ScopeRegistry scopes) {
        this.resource = resource;
        this.view = view;
        this.scopes = scopes;
    }

    /**
     * What an injection point of {@code resource}'s shared instance gets: the instance when it is live or can be made
     * now, else a stand-in; for a view that is a class, the instance had now, or the acquisition's exception.
     */
    static Object inject(InjectableResource resource, Class<?> view, ScopeRegistry scopes) {
        if (!view.isInterface()) {
            return resource.instance(view, scopes.chain());
        }
        Object live = resource.liveInstance(view, scopes.chain());
        if (live != null) {
            return live;
        }
        LOG.log(DEBUG, "NEBULA-1008 Resource ''{0}'' had no instance to inject as {1}: its backend is down;"
                + " the bean gets a stand-in that has the instance at its first use", resource.name(), view.getName());
        ClassLoader loader = view.getClassLoader() != null ? view.getClassLoader() : StandIn.class.getClassLoader();
        return Proxy.newProxyInstance(loader, new Class<?>[]{view}, new StandIn(resource, view, scopes));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        Object target = instance;
        if (target == null) {
            target = have(method);
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The instance, had now through the resource's pipeline; or what the caller of {@code method} gets instead. */
    private Object have(Method method) throws Exception {
        Object target;
        try {
            target = resource.instance(view, scopes.chain());
        } catch (ResourceException refusal) {
            Object fallback = resource.fallbackInstance(view, scopes.chain(), refusal);
            if (fallback != null) {
                return fallback; // not kept: a later call has the resource's own instance once it is back
            }
            throw refused(method, refusal);
        }
        instance = target;
        return target;
    }

    /** The provider's translation of {@code refusal} for the view, when {@code method} may throw it; else the refusal. */
    private Exception refused(Method method, ResourceException refusal) {
        Exception translated;
        try {
            translated = resource.provider().refusalAs(view, refusal);
        } catch (RuntimeException e) {
            translated = null; // a provider that cannot translate: the refusal as it is
        }
        if (translated == null || translated == refusal) {
            return refusal;
        }
        if (translated instanceof RuntimeException) {
            return translated;
        }
        for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isInstance(translated)) {
                return translated;
            }
        }
        return refusal;
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> { // toString: the instance's own once had; never a reason to ask for it
                Object target = instance;
                yield target != null ? target.toString()
                        : "StandIn[" + resource.name() + " as " + view.getSimpleName() + ", no instance yet]";
            }
        };
    }
}
