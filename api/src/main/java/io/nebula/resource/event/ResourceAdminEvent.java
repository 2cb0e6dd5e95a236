package io.nebula.resource.event;

import io.nebula.resource.admin.AdminChange;

import java.util.Objects;

/** An operator changed a running resource through {@link io.nebula.resource.admin.ResourceAdmin}. */
public record ResourceAdminEvent(AdminChange change) {

    public ResourceAdminEvent {
        Objects.requireNonNull(change, "change");
    }
}
