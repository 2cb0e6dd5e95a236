package io.nebula.resource.spi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceException;
import io.nebula.resource.ResourceSettings;

import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes one kind of resource. A provider implements {@link #create}, {@link #check} and
 * {@link #destroy} (and {@link #recycle} or {@link #isFatal} when it knows better than the defaults);
 * the engine brings pooling, validation, eviction, lifecycle, health scheduling, events, retries,
 * metrics and tracing.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}: register the class in
 * {@code META-INF/services/io.nebula.resource.spi.ResourceProvider}. A provider must have a public
 * no-argument constructor and be thread-safe; it must never put a secret into a message, a health
 * detail or a {@code toString()}.
 *
 * @param <R> the instance type: a connection, a channel, a client, a {@code DataSource}
 */
public interface ResourceProvider<R> {

    /** The kind this provider makes, as in {@code nebula.resource.<name>.kind}: {@code postgresql}, {@code redis}... */
    String kind();

    /** The instance type. */
    Class<R> type();

    /** How instances are shared. {@link Topology#POOLED} unless the instance is thread-safe. */
    default Topology topology() {
        return Topology.POOLED;
    }

    /**
     * Checks this provider's keys without touching the backend: a bad URL, port or missing credential
     * is a problem naming its full key ({@link ResourceSettings#keyOf}). Report every problem.
     */
    default List<ConfigProblem> validate(ResourceSettings settings) {
        return List.of();
    }

    /**
     * The keys this provider reads, relative to {@code nebula.resource.<name>.} (for example {@code url},
     * {@code connect-timeout}); a key ending in a dot stands for every key under it ({@code properties.}). The keys
     * every resource has ({@code kind}, {@code scope}, {@code pool.*}, {@code retry.*}, ...) need not be listed.
     * With a list, any other key of a resource of this kind fails deployment, naming the key and the nearest known
     * one ("did you mean"); with none only a key a typo away from a key every resource has does.
     *
     * <p>By default, the names of {@link #configKeys()}: a provider describes its keys there, once.
     */
    default Set<String> keys() {
        return configKeys().stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The keys this provider reads, described: type, default, whether required, and a sentence of documentation each.
     * They are what {@link #keys()} lists by default, and what the configuration reference (docs/configuration.md and
     * the JSON description editors read) says about a resource of this kind. The same rules as for {@link #keys()}
     * apply; a default must be the one the provider applies (derive it from the constant the provider reads with).
     * Empty by default.
     */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /**
     * Creates one instance. Fetch credentials here, not in a constructor, so rotated credentials are
     * picked up by new instances. Throw the driver's exception as it is: the engine classifies it with
     * {@link #isFatal} and {@link #isRetryable} and reports it as the cause of a failed acquisition.
     */
    R create(ResourceSettings settings) throws Exception;

    /**
     * Creates one instance with live credentials. Where the engine manages the resource's credentials (the
     * CDI extension always does), it calls this one, with {@code settings} already holding the credential
     * values in force now (so the default, which calls {@link #create(ResourceSettings)},
     * is right for an instance that authenticates once). A provider whose instance opens connections over
     * time (a JDBC pool) overrides it and asks {@code credentials} each time it opens one, so a rotated
     * credential applies from the next connection on; see {@link #renewCredentials}.
     */
    default R create(ResourceSettings settings, Credentials credentials) throws Exception {
        return create(settings);
    }

    /**
     * Creates one instance that takes a permit of {@code budget} for every physical connection it opens, the first
     * included ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}; docs/cluster.md): the engine calls
     * this one instead of {@link #create(ResourceSettings)} when such a limit is set, so a connection the instance opens
     * while it is created (a JDBC pool's start-up check) is counted too. The default creates the instance and then
     * gives it the budget ({@link #budgetInstances}): right for an instance that opens nothing while it is created.
     */
    default R create(ResourceSettings settings, InstanceBudget budget) throws Exception {
        R instance = create(settings);
        budgetInstances(instance, budget);
        return instance;
    }

    /**
     * {@link #create(ResourceSettings, Credentials)} with the budget of {@link #create(ResourceSettings, InstanceBudget)}:
     * what the engine calls where it manages the resource's credentials and a session budget is set. The default
     * creates the instance and then gives it the budget.
     */
    default R create(ResourceSettings settings, Credentials credentials, InstanceBudget budget) throws Exception {
        R instance = create(settings, credentials);
        budgetInstances(instance, budget);
        return instance;
    }

    /**
     * The resource's credentials changed. Return {@code true} when the instance takes the new ones in place:
     * it opens new connections with them and retires those made with the old ones as they come back,
     * failing no caller (a JDBC pool flushes gracefully). Return {@code false} (the default) and the engine
     * retires the instance instead, as it comes back to the pool. Never throws.
     */
    default boolean renewCredentials(R instance) {
        return false;
    }

    /** Checks an instance; must not throw (report DOWN with the error instead) and should honour timeouts. */
    HealthStatus check(R instance, CheckDepth depth);

    /** Resets an instance before it is reused; {@code false} means it cannot be reused and is destroyed. */
    default boolean recycle(R instance) {
        return true;
    }

    /** Releases an instance's backend resources; never throws. */
    void destroy(R instance);

    /**
     * Called once when a resource is closed, after every instance made for it was destroyed: release
     * what the provider shares between the instances of that resource (a RabbitMQ connection whose
     * channels were the instances, a client's event loops). Never throws. Default: nothing.
     */
    default void shutdown(ResourceSettings settings) {
    }

    /**
     * Whether an error raised while using an instance means the instance is broken (connection lost,
     * channel closed by the broker): it is then destroyed rather than reused, and counts towards the
     * circuit breaker.
     */
    default boolean isFatal(Throwable error) {
        return false;
    }

    /**
     * Whether retrying creation could help. Bad credentials or an unknown database cannot be fixed by
     * a retry: return {@code false} and the acquisition fails at once with this error as its cause.
     */
    default boolean isRetryable(Throwable error) {
        return true;
    }

    /**
     * Further types an instance can be injected as, e.g. {@code RedisCommands} for a Lettuce
     * connection. {@link #type()} is always injectable and need not be listed.
     */
    default Set<Class<?>> views() {
        return Set.of();
    }

    /**
     * Puts what {@code instance} hands out itself (a JDBC data source's connections) behind the resource's
     * acquisition pipeline: {@code pipeline.around(...)} once, and every later hand-out through the gate it returns.
     * Called once per instance, before the instance (or a view of it) first reaches the application. The default
     * does nothing: the instance is the acquisition, and its lease already passed the pipeline.
     *
     * <p>A hand-out that fails because the instance's own pool is busy (not the backend) should throw an
     * {@code io.nebula.resource.AcquisitionTimeoutException} with reason {@code POOL_EXHAUSTED} inside the gate, so
     * that the pipeline neither retries it nor counts it against the circuit.
     */
    default void handOutThrough(R instance, HandOutPipeline pipeline) {
    }

    /**
     * Gives {@code instance}, just created, the budget of physical connections it may open
     * ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}; docs/cluster.md): an instance that opens
     * its own connections (a JDBC pool) takes a permit of {@code budget} before opening each and gives it back when
     * that connection is closed. Called by the default {@link #create(ResourceSettings, InstanceBudget)}, right after
     * the instance was created and before it is first leased, only when such a limit is set: a connection opened while
     * the instance was created holds no permit; a provider that opens one there overrides the creation with a budget
     * instead. The default does nothing: the instance opens no connection of its own.
     */
    default void budgetInstances(R instance, InstanceBudget budget) {
    }

    /**
     * Whether this provider's instances count the physical connections they open against a session budget
     * ({@link #budgetInstances} or {@link #create(ResourceSettings, InstanceBudget)} overridden to use it): only then
     * may a resource of its kind set {@code cluster.max-instances} or {@code cluster.tenant.max-instances}; otherwise
     * deployment fails naming the key, since the limit would be accepted and hold nothing. The default: {@code false}.
     */
    default boolean countsInstances() {
        return false;
    }

    /**
     * What a caller of {@code view} (the provider's {@link #type()} or one of its {@link #views()}) gets when it calls
     * a method of a stand-in whose instance could not be had: the CDI extension injects a stand-in for a resident
     * resource whose backend was down when the bean was made, and it has the instance at its first use. By default
     * the refusal itself ({@code AcquisitionTimeoutException}, {@code CircuitOpenException}, ...). A view whose methods
     * throw an exception family of their own translates it, keeping {@code refusal} as the cause: the JDBC provider's
     * data source throws an {@code SQLTransientConnectionException} with SQLState {@code 08001}, as its
     * {@code getConnection()} does for a refusal of the pipeline. A checked exception reaches the caller only from a
     * method that declares it; any other method throws {@code refusal}. Never throws.
     */
    default Exception refusalAs(Class<?> view, ResourceException refusal) {
        return refusal;
    }

    /**
     * Tells {@code signal} what {@code instance} observes of its backend by itself, between acquisitions: for an
     * instance the application calls directly for as long as it lives (a shared client that reconnects by itself),
     * whose commands no acquisition ever sees. Report a lost connection with {@link BackendSignal#unavailable} and
     * its return with {@link BackendSignal#available}, from the driver's own events. Called once per instance, right
     * after it was created and before anyone uses it; the signal falls silent once the instance is destroyed. The
     * default reports nothing: the acquisitions of the instance, and the scheduled checks, already tell the health.
     */
    default void reportTo(R instance, BackendSignal signal) {
    }

    /**
     * The connections of {@code instance}, for an instance that pools connections itself (a JDBC resource's data
     * source): their counts, sizes and timeouts, and the events a telemetry backend times (see
     * {@link ConnectionPoolFigures}). Asked once per instance, right after it was created; the engine forgets the
     * figures when the instance is destroyed. Empty by default: the instance is what the engine counts.
     */
    default Optional<ConnectionPoolFigures> connectionPool(R instance) {
        return Optional.empty();
    }

    /** Adapts an instance to one of {@link #views()}. */
    default <V> V view(R instance, Class<V> viewType) {
        if (viewType.isInstance(instance)) {
            return viewType.cast(instance);
        }
        throw new IllegalArgumentException(kind() + " instances cannot be viewed as " + viewType.getName());
    }

    /**
     * An operator resized the pool ({@code ResourceAdmin.resize}) while {@code instance} lives: a provider whose
     * instance is itself a pool (a JDBC data source) applies the new {@code pool.min-size} and {@code pool.max-size}
     * to it, without dropping what is in use. Instances made later are made with the new sizes in their settings.
     * Called on the operator's thread; by default nothing (the engine's own pool is resized already).
     */
    default void resized(R instance, int minSize, int maxSize) {
    }

    /**
     * An operator changed {@code pool.acquire-timeout} ({@code ResourceAdmin.apply}, the configuration refresh) while
     * {@code instance} lives: a provider whose instance is itself a pool that waits for a free member (a JDBC data
     * source waiting for a free connection) applies the new wait to it, so that every wait begun from now on lasts at
     * most {@code acquireTimeout} ({@link Duration#ZERO}: none, fail at once when nothing is free); a wait already under
     * way keeps the time it began with. Instances made later are made with the new value in their settings. Called on
     * the operator's thread, after the engine's own pool took the new value; by default nothing. An exception is
     * logged ({@code NEBULA-0705}) and the instance keeps its own wait until it is replaced.
     */
    default void acquireTimeoutChanged(R instance, Duration acquireTimeout) {
    }
}
