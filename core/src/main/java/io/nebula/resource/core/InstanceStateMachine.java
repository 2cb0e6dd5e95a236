package io.nebula.resource.core;

import io.nebula.resource.InstanceState;

import static io.nebula.resource.InstanceState.DESTROYED;
import static io.nebula.resource.InstanceState.EVICTED;
import static io.nebula.resource.InstanceState.IDLE;
import static io.nebula.resource.InstanceState.IN_USE;
import static io.nebula.resource.InstanceState.VALIDATING;

/**
 * The lifecycle of one pooled instance as an explicit transition table: {@code IDLE ⇄ IN_USE},
 * {@code IDLE → VALIDATING → IDLE | IN_USE | EVICTED}, {@code IDLE | IN_USE → EVICTED → DESTROYED}.
 * The state itself lives in each {@link Slot} and moves by CAS; this class only says what is legal,
 * as a boolean table so the check on the pool-hit path is one array load.
 */
final class InstanceStateMachine {

    private static final int N = InstanceState.values().length;
    private static final boolean[] ALLOWED = new boolean[N * N];

    static {
        allow(IDLE, IN_USE);
        allow(IN_USE, IDLE);
        allow(IDLE, VALIDATING);
        allow(VALIDATING, IDLE);
        allow(VALIDATING, IN_USE);
        allow(VALIDATING, EVICTED);
        allow(IDLE, EVICTED);
        allow(IN_USE, EVICTED);
        allow(EVICTED, DESTROYED);
    }

    private InstanceStateMachine() {
    }

    private static void allow(InstanceState from, InstanceState to) {
        ALLOWED[from.ordinal() * N + to.ordinal()] = true;
    }

    static boolean allowed(InstanceState from, InstanceState to) {
        return ALLOWED[from.ordinal() * N + to.ordinal()];
    }

    /** @throws IllegalStateException when {@code from → to} is not in the table */
    static void check(InstanceState from, InstanceState to) {
        if (!ALLOWED[from.ordinal() * N + to.ordinal()]) {
            throw new IllegalStateException("Illegal instance transition " + from + " → " + to);
        }
    }
}
