package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.inject.ClientProxies;
import io.nebula.resource.cdi.inject.ResourceInjectionPoint;
import io.nebula.resource.cdi.inject.ResourceShape;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.spi.ResourceProvider;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.Types;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.AnnotationMember;
import jakarta.enterprise.lang.model.declarations.ClassInfo;
import jakarta.enterprise.lang.model.declarations.FieldInfo;
import jakarta.enterprise.lang.model.declarations.MethodInfo;
import jakarta.enterprise.lang.model.declarations.ParameterInfo;
import jakarta.inject.Provider;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Between CDI Lite's language model, which a build compatible extension sees, and the reflection types the shared
 * planning and checks ({@link Deployment}, {@link io.nebula.resource.cdi.inject.ResourceBeans}) work on: at build
 * time the application's classes can be loaded, so an injection point's type is turned into the {@link Type} a
 * portable extension would have seen, and each planned bean type back into the language model.
 */
final class LiteTypes {

    private LiteTypes() {
    }

    /** A declared resource's shape, from its declaration: what {@link ResourceRuntime} serves it as once it runs. */
    record Shape(ResourceDeclaration declaration) implements ResourceShape {

        @Override
        public String name() {
            return declaration.name();
        }

        @Override
        public ResourceProvider<?> provider() {
            return declaration.provider();
        }

        @Override
        public boolean sharesOneInstance() {
            return !ClientProxies.needed(declaration.provider(), declaration.scope());
        }
    }

    static Optional<ResourceInjectionPoint> injectionPoint(InjectionPointInfo ip) {
        for (AnnotationInfo q : ip.qualifiers()) {
            if (q.name().equals(NebulaResource.class.getName())) {
                Type type = unwrap(reflect(ip.type()));
                return Optional.of(new ResourceInjectionPoint(q.value().asString(), type, describe(ip)));
            }
        }
        return Optional.empty();
    }

    /** The resources each {@code @Action} of a bean class names, on the class or on a method. */
    static List<Deployment.ActionUse> actionUses(ClassInfo bean) {
        List<Deployment.ActionUse> uses = new ArrayList<>();
        AnnotationInfo onType = bean.annotation(Action.class);
        if (onType != null) {
            resources(onType).forEach(r -> uses.add(new Deployment.ActionUse(r, "@Action on " + bean.name())));
        }
        for (MethodInfo method : bean.methods()) {
            AnnotationInfo action = method.annotation(Action.class);
            if (action != null) {
                resources(action).forEach(r -> uses.add(new Deployment.ActionUse(r, "@Action on " + bean.name() + "#" + method.name())));
            }
        }
        return uses;
    }

    /** Each {@code @Action(timeout = ...)} of a bean class, on the class or on a method. */
    static List<Deployment.ActionTimeout> actionTimeouts(ClassInfo bean) {
        List<Deployment.ActionTimeout> timeouts = new ArrayList<>();
        timeout(bean.annotation(Action.class), "@Action on " + bean.name(), timeouts);
        for (MethodInfo method : bean.methods()) {
            timeout(method.annotation(Action.class), "@Action on " + bean.name() + "#" + method.name(), timeouts);
        }
        return timeouts;
    }

    private static void timeout(AnnotationInfo action, String where, List<Deployment.ActionTimeout> timeouts) {
        if (action != null && action.hasMember("timeout") && !action.member("timeout").asString().isBlank()) {
            timeouts.add(new Deployment.ActionTimeout(action.member("timeout").asString(), where));
        }
    }

    private static List<String> resources(AnnotationInfo action) {
        if (!action.hasMember("resources")) {
            return List.of();
        }
        return action.member("resources").asArray().stream().map(AnnotationMember::asString).toList();
    }

    /** The language model's type of a reflection type: a class, or a parameterized type of classes. */
    static jakarta.enterprise.lang.model.types.Type of(Types types, Type type) {
        if (type instanceof Class<?> c) {
            return types.of(c);
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            jakarta.enterprise.lang.model.types.Type[] args = Arrays.stream(p.getActualTypeArguments())
                    .map(a -> of(types, a)).toArray(jakarta.enterprise.lang.model.types.Type[]::new);
            return types.parameterized(raw, args);
        }
        throw new IllegalArgumentException("not a bean type: " + type);
    }

    /** The reflection type of a language model type; a wildcard or type variable is kept as {@link Object}. */
    static Type reflect(jakarta.enterprise.lang.model.types.Type type) {
        return switch (type.kind()) {
            case CLASS -> load(type.asClass().declaration().name());
            case PARAMETERIZED_TYPE -> new Parameterized(load(type.asParameterizedType().declaration().name()),
                    type.asParameterizedType().typeArguments().stream().map(LiteTypes::reflect).toArray(Type[]::new));
            case PRIMITIVE -> Object.class;
            case ARRAY -> Object[].class;
            default -> new Wildcard();
        };
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the class " + name + " of an injection point cannot be loaded at build time", e);
        }
    }

    private static Type unwrap(Type type) {
        if (type instanceof ParameterizedType p && (p.getRawType() == Instance.class || p.getRawType() == Provider.class)) {
            return p.getActualTypeArguments()[0];
        }
        return type;
    }

    private static String describe(InjectionPointInfo ip) {
        if (ip.declaration() instanceof FieldInfo field) {
            return "field " + field.declaringClass().name() + "." + field.name();
        }
        if (ip.declaration() instanceof ParameterInfo parameter) {
            MethodInfo method = parameter.declaringMethod();
            return "parameter " + method.parameters().indexOf(parameter) + " of " + method.declaringClass().name() + "."
                    + method.name();
        }
        return "injection point " + ip.declaration();
    }

    /** A parameterized type, equal to the JDK's own of the same raw type and arguments. */
    record Parameterized(Class<?> raw, Type[] arguments) implements ParameterizedType {

        @Override
        public Type[] getActualTypeArguments() {
            return arguments.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return raw.getDeclaringClass();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType p && raw.equals(p.getRawType())
                    && Objects.equals(getOwnerType(), p.getOwnerType()) && Arrays.equals(arguments, p.getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(arguments) ^ Objects.hashCode(getOwnerType()) ^ raw.hashCode();
        }

        @Override
        public String getTypeName() {
            return raw.getName() + "<" + String.join(", ", Arrays.stream(arguments).map(Type::getTypeName).toList()) + ">";
        }

        @Override
        public String toString() {
            return getTypeName();
        }
    }

    /** A wildcard or type variable: no bean is planned for a type with one ({@code Lease<?>} is served by the others). */
    private record Wildcard() implements java.lang.reflect.WildcardType {

        @Override
        public Type[] getUpperBounds() {
            return new Type[] {Object.class};
        }

        @Override
        public Type[] getLowerBounds() {
            return new Type[0];
        }
    }
}
