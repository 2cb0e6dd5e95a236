package io.nebula.resource.cdi;

import io.nebula.resource.ActionScoped;
import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.TenantScoped;
import io.nebula.resource.WorkflowScoped;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four workflow scopes: lifetime, nesting, sharing by name, propagation to other threads. */
@NebulaWeldTest
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class WorkflowScopesTest {

    static final List<String> destroyed = new CopyOnWriteArrayList<>();

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(TenantBean.class, WorkflowBean.class, ExecutionBean.class, ActionBean.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    TenantBean tenant;

    @Inject
    WorkflowBean workflow;

    @Inject
    ExecutionBean execution;

    @Inject
    ActionBean action;

    abstract static class Identified {
        private final String id = UUID.randomUUID().toString();

        public String id() {
            return id;
        }

        @PreDestroy
        void destroyed() {
            WorkflowScopesTest.destroyed.add(getClass().getSimpleName().replace("Bean", "").toLowerCase() + ":" + id);
        }
    }

    @TenantScoped
    static class TenantBean extends Identified {
    }

    @WorkflowScoped
    static class WorkflowBean extends Identified {
    }

    @ExecutionScoped
    static class ExecutionBean extends Identified {
    }

    @ActionScoped
    static class ActionBean extends Identified {
    }

    @Test
    void beansLiveAsLongAsTheirScopeAndAreDestroyedWhenItEnds() {
        destroyed.clear();
        String t;
        String a;
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "charge")) {
            assertThat(s.context()).isEqualTo(new ResourceContext("acme", "billing", "run-1", "charge"));
            t = tenant.id();
            a = action.id();
            assertThat(tenant.id()).isEqualTo(t);
            assertThat(action.id()).isEqualTo(a);
            assertThat(workflow.id()).isNotNull();
            assertThat(execution.id()).isNotNull();
            assertThat(destroyed).isEmpty();
        }
        assertThat(destroyed).contains("tenant:" + t, "action:" + a).hasSize(4);
        assertThat(contexts.current()).isEqualTo(ResourceContext.GLOBAL);
        assertThatThrownBy(() -> action.id()).isInstanceOf(ContextNotActiveException.class);
        assertThatThrownBy(() -> tenant.id()).isInstanceOf(ContextNotActiveException.class);
    }

    @Test
    void entersNestAndLeavingAnInnerScopeKeepsTheOuterOnes() {
        destroyed.clear();
        try (ScopeHandle inTenant = contexts.enter("acme", null, null, null)) {
            String t = tenant.id();
            try (ScopeHandle inWorkflow = contexts.enter(null, "billing", null, null)) {
                String w = workflow.id();
                try (ScopeHandle inExecution = contexts.enter(null, null, "run-1", null)) {
                    assertThat(contexts.current()).isEqualTo(new ResourceContext("acme", "billing", "run-1", null));
                    assertThat(tenant.id()).isEqualTo(t);
                    assertThat(workflow.id()).isEqualTo(w);
                    String e = execution.id();
                    try (ScopeHandle inAction = contexts.enter(null, null, null, "charge")) {
                        assertThat(execution.id()).isEqualTo(e);
                        action.id();
                    }
                    assertThat(destroyed).singleElement().asString().startsWith("action:");
                    assertThatThrownBy(() -> action.id()).isInstanceOf(ContextNotActiveException.class);
                    assertThat(execution.id()).isEqualTo(e);
                }
                assertThat(destroyed).hasSize(2);
                assertThat(workflow.id()).isEqualTo(w);
            }
            assertThat(tenant.id()).isEqualTo(t);
            assertThat(contexts.current()).isEqualTo(new ResourceContext("acme", null, null, null));
        }
        assertThat(destroyed).hasSize(4);
    }

    @Test
    void namingAnotherScopeAtALevelLeavesTheNarrowerCurrentOnes() {
        try (ScopeHandle first = contexts.enter("acme", "billing", "run-1", null)) {
            String t = tenant.id();
            String w = workflow.id();
            try (ScopeHandle other = contexts.enter(null, "refunds", null, null)) {
                assertThat(contexts.current()).isEqualTo(new ResourceContext("acme", "refunds", null, null));
                assertThat(tenant.id()).isEqualTo(t);
                assertThat(workflow.id()).isNotEqualTo(w);
                assertThatThrownBy(() -> execution.id()).isInstanceOf(ContextNotActiveException.class);
            }
            assertThat(workflow.id()).isEqualTo(w);
        }
    }

    @Test
    void threadsThatEnterTheSameNamesShareTheScopeUntilTheLastLeaves() throws Exception {
        destroyed.clear();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch leave = new CountDownLatch(1);
            CompletableFuture<String> otherId = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", null)) {
                    String id = execution.id();
                    entered.countDown();
                    await(leave);
                    return id;
                }
            }, other);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            String mine;
            try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", null)) {
                mine = execution.id();
            }
            assertThat(destroyed).as("the other thread is still in run-1").isEmpty();
            leave.countDown();
            assertThat(otherId.get(10, TimeUnit.SECONDS)).isEqualTo(mine);
            assertThat(destroyed).contains("execution:" + mine);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void wrappedTasksRunInTheCapturingThreadsScopes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "fan-out")) {
            String e = execution.id();
            String a = action.id();
            List<String> seen = new CopyOnWriteArrayList<>();
            List<ResourceContext> contextsSeen = new CopyOnWriteArrayList<>();
            Runnable task = contexts.wrap(() -> {
                seen.add(execution.id() + "/" + action.id());
                contextsSeen.add(contexts.current());
            });
            CompletableFuture.allOf(CompletableFuture.runAsync(task, pool), CompletableFuture.runAsync(task, pool))
                    .get(10, TimeUnit.SECONDS);
            assertThat(seen).containsOnly(e + "/" + a).hasSize(2);
            assertThat(contextsSeen).containsOnly(new ResourceContext("acme", "billing", "run-1", "fan-out"));
            assertThat(CompletableFuture.supplyAsync(contexts::current, pool).get())
                    .as("the pool threads are back outside any scope").isEqualTo(ResourceContext.GLOBAL);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void attachingToScopesThatEndedFails() {
        ContextSnapshot snapshot;
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", null)) {
            snapshot = contexts.capture();
        }
        assertThatThrownBy(snapshot::attach).isInstanceOf(ContextNotActiveException.class)
                .hasMessageContaining("has ended");
        assertThat(contexts.current()).isEqualTo(ResourceContext.GLOBAL);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
