/**
 * Events about declared resources. In a CDI application the extension fires them as CDI events, so an
 * application observes them with {@code @Observes}:
 *
 * <pre>{@code
 * void onLeak(@Observes LeakDetectedEvent leak) {
 *     log.warn("lease on " + leak.resource() + " held for " + leak.heldFor(), leak.acquiredAt());
 * }
 * }</pre>
 *
 * Events are delivered synchronously on the thread where the engine noticed the change (an acquiring
 * thread or the pool's housekeeper): observers should be quick and must not block on the resource.
 * No event carries a secret.
 */
package io.nebula.resource.event;
