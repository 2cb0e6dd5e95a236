/**
 * Acting on resources while they run: resize a pool, pause or drain it, quarantine it, reset its circuit, change a
 * tenant's quota, refresh its credentials. Every change goes through {@link io.nebula.resource.admin.ResourceAdmin},
 * is validated exactly like configuration, is recorded in the audit trail with the principal who made it, and is
 * announced by a {@link io.nebula.resource.event.ResourceAdminEvent}.
 */
package io.nebula.resource.admin;
