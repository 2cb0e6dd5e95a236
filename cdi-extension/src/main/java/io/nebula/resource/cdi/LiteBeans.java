package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.action.ActionScopes;
import io.nebula.resource.cdi.inject.ResourceBeans;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanDisposer;

/**
 * What the synthetic beans of {@link NebulaBuildExtension} are made with: classes a CDI Lite container instantiates
 * itself, each reading its resource's name (and view) from the bean's parameters and making what the portable
 * extension's bean of the same plan makes ({@link ResourceBeans#instance}, {@link ResourceBeans#lease}).
 */
public final class LiteBeans {

    static final String RESOURCE = "resource";
    static final String VIEW = "view";
    static final String API = "api";

    private LiteBeans() {
    }

    /** The beans of the API, as {@link NebulaExtension} adds them. */
    enum Api {
        RESOURCES(Resources.class),
        CONTEXTS(WorkflowContexts.class),
        STATISTICS(ResourceStatistics.class),
        ACTIONS(ActionScopes.class),
        ADMIN(io.nebula.resource.admin.ResourceAdmin.class);

        final Class<?> type;

        Api(Class<?> type) {
            this.type = type;
        }

        Object of(ResourceRuntime rt) {
            return switch (this) {
                case RESOURCES -> rt.api();
                case CONTEXTS -> rt.scopes();
                case STATISTICS -> (ResourceStatistics) rt::figures;
                case ACTIONS -> (ActionScopes) rt::enterAction;
                case ADMIN -> rt.admin();
            };
        }
    }

    /** A resource's instance: its shared one, or the one of the lease bound to the caller's scope. */
    public static final class Instance implements SyntheticBeanCreator<Object> {

        @Override
        public Object create(jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            ResourceRuntime rt = LiteRuntime.get();
            return ResourceBeans.instance(rt.resource(params.get(RESOURCE, String.class)), params.get(VIEW, Class.class), rt.scopes());
        }
    }

    /** A {@code Lease<T>} of the injecting bean's own. */
    public static final class LeaseOf implements SyntheticBeanCreator<Object> {

        @Override
        public Object create(jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            ResourceRuntime rt = LiteRuntime.get();
            return ResourceBeans.lease(rt.resource(params.get(RESOURCE, String.class)), params.get(VIEW, Class.class), rt.scopes());
        }
    }

    /** The lease goes back when the bean that injected it is destroyed. */
    public static final class Release implements SyntheticBeanDisposer<Object> {

        @Override
        public void dispose(Object lease, jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            ((Lease<?>) lease).close();
        }
    }

    public static final class ApiOf implements SyntheticBeanCreator<Object> {

        @Override
        public Object create(jakarta.enterprise.inject.Instance<Object> lookup, Parameters params) {
            return Api.valueOf(params.get(API, String.class)).of(LiteRuntime.get());
        }
    }
}
