package io.nebula.resource.cdi.inject;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Which injections of a resource go through a client proxy, and whether the container can make one. A resource
 * injected through a proxy whose type is final (the filesystem provider's {@code RootedStorage}) would otherwise fail
 * deployment with the container's own words (Weld's "WELD-001437 ... is not proxyable because it is final"), which
 * name no key: this says which key asks for the proxy, and how to do without it.
 */
public final class ClientProxies {

    private ClientProxies() {
    }

    /**
     * Whether an injected instance of a resource is a client proxy: it is, unless the resource is global and its
     * provider's one instance is shared by all (resident), which is then injected as it is.
     */
    public static boolean needed(ResourceProvider<?> provider, ResourceScope scope) {
        return !(provider.topology() == Topology.RESIDENT && scope == ResourceScope.GLOBAL);
    }

    /** Adds a problem when {@code ip} would get a client proxy of a type no container can proxy. */
    public static void check(ResourceInjectionPoint ip, ResourceDeclaration declared, ConfigProblems problems) {
        ResourceProvider<?> provider = declared.provider();
        Class<?> wanted = ip.instanceClass();
        Class<?> type = wanted == null ? provider.type() : Views.viewFor(provider, wanted);
        if (ip.wantsLease() || type == null || !needed(provider, declared.scope())) {
            return; // a lease is injected as it is; a type the provider does not make is reported elsewhere
        }
        String why = whyNotProxyable(type);
        if (why == null) {
            return;
        }
        ResourceSettings s = declared.settings();
        boolean resident = provider.topology() == Topology.RESIDENT;
        String cause = declared.scope() != ResourceScope.GLOBAL
                ? "is " + declared.scope().configName() + ", so " + ip.where() + " gets a client proxy (one lease per "
                + declared.scope().configName() + ")"
                : "is " + s.kind() + ", whose instances are leased one caller at a time (topology "
                + provider.topology() + "), so " + ip.where() + " gets a client proxy";
        String fix = "inject Lease<" + type.getSimpleName() + "> instead (a lease of the bean's own, closed with the"
                + " bean or at the end of the scope)"
                + (resident ? ", or set " + s.keyOf(ResourceDeclaration.SCOPE) + "=global to inject the one shared"
                + " instance as it is" : "");
        problems.add(s.keyOf(declared.scope() != ResourceScope.GLOBAL ? ResourceDeclaration.SCOPE : ResourceDeclaration.KIND),
                cause + ", but " + type.getName() + " " + why + ", and no CDI container can proxy it; " + fix);
    }

    /**
     * Why a container cannot make a client proxy of {@code type}, or {@code null} when it can. Only what every
     * container refuses: a final class, or a final method a proxy would have to override. (Whether a class needs a
     * no-argument constructor depends on the container: Weld SE does without.)
     */
    static String whyNotProxyable(Class<?> type) {
        if (type.isInterface()) {
            return null;
        }
        if (type.isPrimitive() || type.isArray()) {
            return "is a primitive or array type";
        }
        if (Modifier.isFinal(type.getModifiers())) {
            return "is final";
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isFinal(mod) && !Modifier.isStatic(mod) && !Modifier.isPrivate(mod) && !m.isSynthetic()) {
                    return "has the final method " + m.getName() + "()";
                }
            }
        }
        return null;
    }
}
