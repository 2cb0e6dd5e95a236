package io.nebula.resource.core;

import io.nebula.resource.ResourceState;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static io.nebula.resource.ResourceState.CREATED;
import static io.nebula.resource.ResourceState.DEGRADED;
import static io.nebula.resource.ResourceState.DRAINING;
import static io.nebula.resource.ResourceState.FAILED;
import static io.nebula.resource.ResourceState.INITIALIZING;
import static io.nebula.resource.ResourceState.READY;
import static io.nebula.resource.ResourceState.TERMINATED;

/**
 * The lifecycle of one resource as an explicit transition table:
 * {@code CREATED → INITIALIZING → READY ⇄ DEGRADED → DRAINING → TERMINATED}, with {@code FAILED}
 * entered from initialization or operation and left by recovery. Transitions are CAS: a lost race
 * returns {@code false}; a transition the table does not allow is a bug and throws.
 */
final class ResourceStateMachine {

    private static final Map<ResourceState, Set<ResourceState>> ALLOWED = new EnumMap<>(ResourceState.class);

    static {
        ALLOWED.put(CREATED, EnumSet.of(INITIALIZING, DRAINING));
        ALLOWED.put(INITIALIZING, EnumSet.of(READY, DEGRADED, FAILED, DRAINING));
        ALLOWED.put(READY, EnumSet.of(DEGRADED, FAILED, DRAINING));
        ALLOWED.put(DEGRADED, EnumSet.of(READY, FAILED, DRAINING));
        ALLOWED.put(FAILED, EnumSet.of(READY, DEGRADED, DRAINING));
        ALLOWED.put(DRAINING, EnumSet.of(TERMINATED));
        ALLOWED.put(TERMINATED, EnumSet.noneOf(ResourceState.class));
    }

    interface Observer {
        void changed(ResourceState from, ResourceState to);
    }

    private final AtomicReference<ResourceState> state = new AtomicReference<>(CREATED);
    private final Observer observer;

    ResourceStateMachine(Observer observer) {
        this.observer = observer;
    }

    static boolean allowed(ResourceState from, ResourceState to) {
        return ALLOWED.get(from).contains(to);
    }

    ResourceState current() {
        return state.get();
    }

    /**
     * Moves from {@code from} to {@code to} if the state is still {@code from}.
     *
     * @throws IllegalStateException when the table does not allow {@code from → to}
     */
    boolean transition(ResourceState from, ResourceState to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("Illegal resource transition " + from + " → " + to);
        }
        if (state.compareAndSet(from, to)) {
            observer.changed(from, to);
            return true;
        }
        return false;
    }

    /**
     * Moves to {@code to} from whatever the state is, if the table allows it from there; a state from
     * which {@code to} is not reachable (already {@code to}, or draining) is left alone.
     *
     * @return whether this call made the transition
     */
    boolean moveTo(ResourceState to) {
        for (;;) {
            ResourceState from = state.get();
            if (from == to || !allowed(from, to)) {
                return false;
            }
            if (transition(from, to)) {
                return true;
            }
        }
    }
}
