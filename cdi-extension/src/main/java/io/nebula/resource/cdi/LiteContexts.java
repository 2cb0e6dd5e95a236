package io.nebula.resource.cdi;

import io.nebula.resource.ActionScoped;
import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.TenantScoped;
import io.nebula.resource.WorkflowScoped;
import io.nebula.resource.cdi.scope.ResourceLeaseScoped;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;

import java.lang.annotation.Annotation;

/**
 * The contexts a CDI Lite container instantiates itself (by class, with no arguments): each hands every call to the
 * context the portable extension registers as an instance, of the application's {@link LiteRuntime}.
 */
public final class LiteContexts {

    private LiteContexts() {
    }

    private abstract static class Delegating implements AlterableContext {

        abstract AlterableContext delegate();

        @Override
        public boolean isActive() {
            return delegate().isActive();
        }

        @Override
        public <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
            return delegate().get(contextual, creationalContext);
        }

        @Override
        public <T> T get(Contextual<T> contextual) {
            return delegate().get(contextual);
        }

        @Override
        public void destroy(Contextual<?> contextual) {
            delegate().destroy(contextual);
        }
    }

    public static final class Tenant extends Delegating {

        @Override
        AlterableContext delegate() {
            return LiteRuntime.context(ResourceScope.TENANT);
        }

        @Override
        public Class<? extends Annotation> getScope() {
            return TenantScoped.class;
        }
    }

    public static final class Workflow extends Delegating {

        @Override
        AlterableContext delegate() {
            return LiteRuntime.context(ResourceScope.WORKFLOW);
        }

        @Override
        public Class<? extends Annotation> getScope() {
            return WorkflowScoped.class;
        }
    }

    public static final class Execution extends Delegating {

        @Override
        AlterableContext delegate() {
            return LiteRuntime.context(ResourceScope.EXECUTION);
        }

        @Override
        public Class<? extends Annotation> getScope() {
            return ExecutionScoped.class;
        }
    }

    public static final class Action extends Delegating {

        @Override
        AlterableContext delegate() {
            return LiteRuntime.context(ResourceScope.ACTION);
        }

        @Override
        public Class<? extends Annotation> getScope() {
            return ActionScoped.class;
        }
    }

    public static final class Leases extends Delegating {

        @Override
        AlterableContext delegate() {
            return LiteRuntime.leases();
        }

        @Override
        public Class<? extends Annotation> getScope() {
            return ResourceLeaseScoped.class;
        }
    }
}
