package io.nebula.resource.admin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One change an operator made to a running resource.
 *
 * @param resource  the resource changed
 * @param tenant    the tenant whose pool or quota changed, {@code null} when the change is the resource's as a whole
 * @param action    what was done
 * @param principal who did it: the authenticated caller, {@code config-refresh} for the configuration refresh, or
 *                  {@code system} when nobody is known
 * @param before    the keys changed, relative to the resource ({@code pool.max-size}), with their values before
 * @param after     the same keys with their values after; both empty for an action that sets no key (a pause)
 * @param at        when the change took effect
 */
public record AdminChange(String resource, String tenant, AdminAction action, String principal,
                          Map<String, String> before, Map<String, String> after, Instant at) {

    public AdminChange {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(principal, "principal");
        before = Map.copyOf(before);
        after = Map.copyOf(after);
        Objects.requireNonNull(at, "at");
    }
}
