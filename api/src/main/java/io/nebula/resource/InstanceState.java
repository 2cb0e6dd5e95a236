package io.nebula.resource;

/**
 * The lifecycle of one pooled instance: {@code IDLE ⇄ IN_USE}, {@code IDLE → VALIDATING → IDLE |
 * IN_USE | EVICTED}, {@code IDLE | IN_USE → EVICTED → DESTROYED}.
 */
public enum InstanceState {
    IDLE, IN_USE, VALIDATING, EVICTED, DESTROYED
}
