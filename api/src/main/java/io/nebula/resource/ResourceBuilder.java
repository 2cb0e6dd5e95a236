package io.nebula.resource;

import java.time.Duration;

/**
 * Declares a resource in code, the third level of the programmatic API:
 *
 * <pre>{@code
 * ManagedResource<Channel> jobs = resources.builder("jobs")
 *         .kind("rabbitmq").property("uri", "amqp://localhost")
 *         .poolSize(50).healthInterval(Duration.ofSeconds(10)).strategy(PoolStrategy.FIFO)
 *         .build(Channel.class);
 * }</pre>
 *
 * Values set here are validated exactly like configuration; {@link #build} fails with
 * {@link ConfigurationInvalidException} listing every problem.
 */
public interface ResourceBuilder {

    ResourceBuilder kind(String kind);

    /** Any key relative to {@code nebula.resource.<name>.}, e.g. {@code url} or {@code pool.idle-timeout}. */
    ResourceBuilder property(String key, String value);

    /** Maximum pool size. */
    ResourceBuilder poolSize(int maxSize);

    ResourceBuilder minSize(int minSize);

    ResourceBuilder strategy(PoolStrategy strategy);

    ResourceBuilder scope(ResourceScope scope);

    ResourceBuilder acquireTimeout(Duration timeout);

    ResourceBuilder healthInterval(Duration interval);

    ResourceBuilder dependsOn(String... names);

    /** Registers and starts the resource. */
    <R> ManagedResource<R> build(Class<R> type);
}
