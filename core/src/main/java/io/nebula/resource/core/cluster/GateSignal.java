package io.nebula.resource.core.cluster;

/**
 * One message of the known-down gate: {@code node} saw {@code resource}'s backend down (why: {@code reason}, an
 * exception's class name, never its message, which may carry a secret), or a probe from {@code node} found it up.
 *
 * @param reason why it is down; empty for an "up"
 */
public record GateSignal(boolean down, String resource, String node, String reason) {

    public static GateSignal down(String resource, String node, String reason) {
        return new GateSignal(true, resource, node, reason);
    }

    public static GateSignal up(String resource, String node) {
        return new GateSignal(false, resource, node, "");
    }
}
