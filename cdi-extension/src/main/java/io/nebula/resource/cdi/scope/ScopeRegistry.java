package io.nebula.resource.cdi.scope;

import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.cdi.ContextSnapshot;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import jakarta.enterprise.context.ContextNotActiveException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live scopes, keyed by id ({@code tenant:acme/workflow:billing/execution:run-42}), and which of them
 * each thread is in. A thread-local holds only the latter; the scopes themselves, their beans and their
 * leases live in the map, so another thread can be attached to them.
 */
public final class ScopeRegistry implements WorkflowContexts {

    private static final ResourceScope[] ENTERABLE = {
            ResourceScope.TENANT, ResourceScope.WORKFLOW, ResourceScope.EXECUTION, ResourceScope.ACTION};
    /** What a scope's id starts with at each enterable level, after its parent's: made once, not on every enter. */
    private static final String[] ID_PREFIX = new String[ResourceScope.values().length];

    static {
        for (ResourceScope level : ENTERABLE) {
            ID_PREFIX[level.ordinal()] = level.configName() + ":";
        }
    }

    private final ActiveScope global = ActiveScope.global();
    private final ScopeChain outside = ScopeChain.of(global);
    private final Map<String, ActiveScope> live = new ConcurrentHashMap<>();
    private final ThreadLocal<ScopeChain> current = new ThreadLocal<>();
    private final AtomicLong actions = new AtomicLong();

    /** The scopes this thread is in. */
    public ScopeChain chain() {
        ScopeChain chain = current.get();
        return chain == null ? outside : chain;
    }

    public ActiveScope global() {
        return global;
    }

    @Override
    public ResourceContext current() {
        return chain().context();
    }

    @Override
    public ScopeHandle enter(String tenant, String workflow, String execution, String action, Deadline deadline) {
        String[] wanted = {blankToNull(tenant), blankToNull(workflow), blankToNull(execution), blankToNull(action)};
        ScopeChain before = chain();
        ScopeChain next = ScopeChain.of(global);
        ActiveScope parent = global;
        boolean diverged = false;
        List<ActiveScope> retained = new ArrayList<>(4);
        try {
            for (int i = 0; i < ENTERABLE.length; i++) {
                ResourceScope level = ENTERABLE[i];
                ActiveScope existing = before.at(level);
                String name = wanted[i];
                ActiveScope scope;
                if (!diverged && existing != null && (name == null || name.equals(existing.name()))) {
                    scope = existing; // stay in it, and count this handle as one more holder
                    if (!scope.tryRetain()) {
                        throw scope.notActive();
                    }
                } else if (name == null) {
                    continue;
                } else {
                    diverged = true;
                    scope = join(parent, level, name);
                }
                retained.add(scope);
                next = next.with(level, scope);
                parent = scope;
            }
        } catch (RuntimeException e) {
            releaseAll(retained);
            throw e;
        }
        // the thread's budget holds whichever scopes it enters: a deadline only tightens
        return attach(next.within(before.deadline()).within(deadline), before, retained);
    }

    /**
     * Enters a new action scope inside this thread's scopes. Unlike {@link #enter}, every call gets its
     * own scope even for the same action name: two invocations never share an action's leases.
     *
     * @param deadline the action's own ({@code @Action(timeout = ...)}), {@code null} for none: the earlier of it and
     *                 the thread's holds
     */
    public ScopeHandle enterAction(String actionName, Deadline deadline) {
        ScopeChain before = chain();
        List<ActiveScope> retained = new ArrayList<>(4);
        try {
            for (ActiveScope s : before.entered()) {
                if (s.level() != ResourceScope.ACTION) {
                    if (!s.tryRetain()) {
                        throw s.notActive();
                    }
                    retained.add(s);
                }
            }
        } catch (RuntimeException e) {
            releaseAll(retained);
            throw e;
        }
        ActiveScope parent = before.execution() != null ? before.execution()
                : before.workflow() != null ? before.workflow()
                : before.tenant() != null ? before.tenant() : global;
        ActiveScope action = new ActiveScope(ResourceScope.ACTION, actionName,
                parent.id() + "/action:" + actionName + "#" + actions.incrementAndGet());
        live.put(action.id(), action);
        retained.add(action);
        return attach(before.with(ResourceScope.ACTION, action).within(deadline), before, retained);
    }

    @Override
    public ContextSnapshot capture() {
        ScopeChain captured = chain();
        return new ContextSnapshot() {
            @Override
            public ResourceContext context() {
                return captured.context();
            }

            @Override
            public ScopeHandle attach() {
                List<ActiveScope> retained = new ArrayList<>(4);
                for (ActiveScope s : captured.entered()) {
                    if (!s.tryRetain()) {
                        releaseAll(retained);
                        throw new ContextNotActiveException("Cannot run in " + captured.context()
                                + ": the " + s.level().configName() + " scope '" + s.name()
                                + "' has ended. Run propagated work before leaving the scopes it was captured in.");
                    }
                    retained.add(s);
                }
                return ScopeRegistry.this.attach(captured, chain(), retained);
            }
        };
    }

    /** Ends every scope still live, then the global one: the application is stopping. */
    public void endAll() {
        for (ActiveScope s : List.copyOf(live.values())) {
            live.remove(s.id(), s);
            s.end();
        }
        global.end();
    }

    private ActiveScope join(ActiveScope parent, ResourceScope level, String name) {
        String id = parent == global ? ID_PREFIX[level.ordinal()].concat(name)
                : parent.id() + "/" + ID_PREFIX[level.ordinal()] + name;
        return live.compute(id, (key, existing) ->
                existing != null && existing.tryRetain() ? existing : new ActiveScope(level, name, key));
    }

    /**
     * Makes {@code chain} the thread's, and its deadline the thread's {@link Deadline#current()}: what learns of the
     * deadline from no context (an HTTP resource's header) reads it there.
     */
    private ScopeHandle attach(ScopeChain chain, ScopeChain before, List<ActiveScope> retained) {
        current.set(chain);
        Deadline.Binding deadline = chain.deadline() == null ? null : chain.deadline().bind();
        return new Handle(chain, before, retained, Thread.currentThread(), deadline);
    }

    private void releaseAll(List<ActiveScope> scopes) {
        for (int i = scopes.size() - 1; i >= 0; i--) {
            ActiveScope s = scopes.get(i);
            if (s.release()) {
                live.remove(s.id(), s);
                s.end();
            }
        }
    }

    private static String blankToNull(String s) {
        // an id is rarely blank: look at its first character before scanning it all
        return s == null || s.isEmpty() || (Character.isWhitespace(s.charAt(0)) && s.isBlank()) ? null : s;
    }

    private final class Handle implements ScopeHandle {
        private final ScopeChain chain;
        private final ScopeChain before;
        private final List<ActiveScope> retained;
        private final Thread owner;
        private final Deadline.Binding deadline;
        private final AtomicBoolean closed = new AtomicBoolean();

        Handle(ScopeChain chain, ScopeChain before, List<ActiveScope> retained, Thread owner, Deadline.Binding deadline) {
            this.chain = chain;
            this.before = before;
            this.retained = retained;
            this.owner = owner;
            this.deadline = deadline;
        }

        @Override
        public ResourceContext context() {
            return chain.context();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            // Restore the thread's previous scopes only if this handle's are still current: a handle
            // closed out of order, or from another thread, must not clobber scopes entered since.
            if (Thread.currentThread() == owner && current.get() == chain) {
                if (before.isOutside()) {
                    current.remove();
                } else {
                    current.set(before);
                }
            }
            if (deadline != null) {
                deadline.close(); // itself puts the previous one back only on its thread, if still the current one
            }
            releaseAll(retained);
        }
    }
}
