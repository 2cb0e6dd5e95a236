package io.nebula.resource.cdi.scope;

import io.nebula.resource.ActionScoped;
import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.TenantScoped;
import io.nebula.resource.WorkflowScoped;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;

import java.lang.annotation.Annotation;

/** The CDI context of one of the four workflow scopes: beans live in the thread's current scope at that level. */
public final class WorkflowScopeContext implements AlterableContext {

    private final ResourceScope level;
    private final Class<? extends Annotation> annotation;
    private final ScopeRegistry scopes;

    private WorkflowScopeContext(ResourceScope level, Class<? extends Annotation> annotation, ScopeRegistry scopes) {
        this.level = level;
        this.annotation = annotation;
        this.scopes = scopes;
    }

    public static WorkflowScopeContext[] all(ScopeRegistry scopes) {
        return new WorkflowScopeContext[] {
                new WorkflowScopeContext(ResourceScope.TENANT, TenantScoped.class, scopes),
                new WorkflowScopeContext(ResourceScope.WORKFLOW, WorkflowScoped.class, scopes),
                new WorkflowScopeContext(ResourceScope.EXECUTION, ExecutionScoped.class, scopes),
                new WorkflowScopeContext(ResourceScope.ACTION, ActionScoped.class, scopes)};
    }

    /** The workflow scope this context serves. */
    public ResourceScope level() {
        return level;
    }

    @Override
    public Class<? extends Annotation> getScope() {
        return annotation;
    }

    @Override
    public boolean isActive() {
        return scopes.chain().at(level) != null;
    }

    @Override
    public <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
        return active().get(contextual, creationalContext);
    }

    @Override
    public <T> T get(Contextual<T> contextual) {
        return active().getIfExists(contextual);
    }

    @Override
    public void destroy(Contextual<?> contextual) {
        active().destroy(contextual);
    }

    private ActiveScope active() {
        ActiveScope scope = scopes.chain().at(level);
        if (scope == null) {
            throw new ContextNotActiveException("No " + level.configName() + " scope is active on this thread: enter one with "
                    + "WorkflowContexts.enter(...)" + (level == ResourceScope.ACTION ? " or call an @Action method" : ""));
        }
        return scope;
    }
}
