/**
 * The audit trail of resource use: an {@link io.nebula.resource.audit.AuditRecord} for every acquisition,
 * release, denial (quota, isolation, circuit) and credential use or rotation. In a CDI application they are
 * CDI events (when the application observes them) and lines of the logger {@code io.nebula.resource.audit}
 * (leases at DEBUG, the rest at INFO):
 *
 * <pre>{@code
 * void ship(@Observes AuditRecord record) {
 *     if (record.kind().isDenial()) {
 *         securityLog.send(record.toLogLine());
 *     }
 * }
 * }</pre>
 *
 * Records are delivered synchronously on the thread that acquired, released or created: observers should be
 * quick. No record carries a secret.
 */
package io.nebula.resource.audit;
