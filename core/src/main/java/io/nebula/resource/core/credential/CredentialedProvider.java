package io.nebula.resource.core.credential;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord.Outcome;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.tenant.TenantTemplate;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.CredentialSource;
import io.nebula.resource.spi.CredentialUnavailableException;
import io.nebula.resource.spi.Credentials;
import io.nebula.resource.spi.InstanceBudget;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A provider whose instances get their credentials from a {@link CredentialSource}, just in time, and are
 * renewed when the source says something else. One per pool: it wraps the kind's provider for that pool, so
 * the engine needs no credential code of its own.
 *
 * <p><b>Just in time.</b> Each {@link #create} fetches the credential keys ({@link CredentialSettings#keys()})
 * and hands the provider its settings with those values, plus {@link Credentials} that fetch again on every
 * call, for an instance that opens connections over time. A key the source does not hold keeps the value
 * written in the settings. Every fetch for a creation or a connection is audited
 * ({@link AuditKind#CREDENTIAL_USE}: which keys, never a value).
 *
 * <p><b>Rotation.</b> Every {@code credentials.refresh-interval} (and at each creation) the values are fetched
 * again and compared, in constant time, with those in force. On a change, each live instance is offered the
 * new ones ({@link ResourceProvider#renewCredentials}); one that cannot take them in place is marked stale and
 * destroyed instead of reused when it comes back to its pool. The rotation is audited
 * ({@link AuditKind#CREDENTIAL_ROTATION}), logged, and told to the listeners
 * ({@link PoolListener#onCredentialRotation}), where metrics count it. In a cluster the rotation is also told to the
 * {@linkplain #announceTo announcer}, so that every other node reads its own source again at once
 * ({@link #refreshUnannounced}; docs/cluster.md).
 *
 * <p>Stale instances of a kind that cannot renew in place and that are never given back (a resident shared
 * instance) keep their old session until they are replaced for another reason; see docs/tenancy.md.
 */
public final class CredentialedProvider<R> implements ResourceProvider<R> {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.credential");

    private final ResourceProvider<R> delegate;
    private final ResourceSettings settings;
    private final CredentialSource source;
    final CredentialSettings credentials;
    private final AuditTrail audit;
    private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
    private final ResourceContext context;
    final String who;
    /*
     * Live and stale instances, by identity (an instance's equals is the provider's business). Concurrent maps
     * rather than synchronized sets: no monitor in the engine (a virtual thread blocked on one pins its carrier
     * on JDK < 24, see ArchitectureTest), and a rotation iterates the live ones without locking out creations
     * and destructions. Its copy is weakly consistent, which is no weaker than the locked copy was: an
     * instance added during the copy could as well have been added just after it.
     */
    private final Map<Identity, R> instances = new ConcurrentHashMap<>();
    private final Set<Identity> stale = ConcurrentHashMap.newKeySet();
    private final AtomicLong rotations = new AtomicLong();
    /** Whether {@link #stale} may hold anything: a release (the hot path) looks it up only then. */
    private volatile boolean anyStale;
    private final CredentialWatch watch;
    private volatile RotationAnnouncer announcer; // null: no cluster hears of this pool's rotations
    private volatile long rotatedAtNanos; // System.nanoTime() of the last rotation, once rotations > 0

    private CredentialedProvider(Builder<R> b) {
        this.delegate = b.delegate;
        this.settings = b.settings;
        this.source = b.source;
        this.credentials = b.credentials;
        this.audit = b.audit;
        this.listeners.addAll(b.listeners);
        String tenant = settings.string(TenantTemplate.TENANT_KEY).orElse(null);
        this.context = new ResourceContext(tenant, null, null, null);
        this.who = "resource '" + settings.name() + "'" + (tenant == null ? "" : " (tenant '" + tenant + "')");
        this.watch = new CredentialWatch(this, b.scheduler);
    }

    /**
     * @param delegate the kind's provider
     * @param settings the settings of the pool the provider is for (a tenant's, for a tenant pool)
     */
    public static <R> Builder<R> wrap(ResourceProvider<R> delegate, ResourceSettings settings) {
        return new Builder<>(delegate, settings);
    }

    /** The kind's own provider. */
    public ResourceProvider<R> delegate() {
        return delegate;
    }

    /** Adds a listener told of each rotation, such as the pool's metrics once they exist. */
    public void listen(PoolListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** How many rotations this pool went through. */
    public long rotations() {
        return rotations.get();
    }

    /** Whether an instance was made with credentials that have since changed and could not be renewed in place. */
    public boolean isStale(R instance) {
        return anyStale && stale.contains(new Identity(instance));
    }

    // ------------------------------------------------------------------ creation

    @Override
    public R create(ResourceSettings instanceSettings) throws Exception {
        return create(instanceSettings, InstanceBudget.UNLIMITED);
    }

    /** With a session budget, which the delegate has from the start ({@link ResourceProvider#create(ResourceSettings, Credentials, InstanceBudget)}). */
    @Override
    public R create(ResourceSettings instanceSettings, InstanceBudget budget) throws Exception {
        Map<String, Optional<Secret>> values = fetchAll();
        audit.record(AuditKind.CREDENTIAL_USE, Outcome.SUCCESS, context, useDetail(values, "instance"), null);
        Set<String> changed = watch.adopt(values);
        if (!changed.isEmpty()) {
            rotate(changed, true);
        }
        Map<String, String> overlay = new TreeMap<>();
        values.forEach((key, value) -> value.ifPresent(s -> overlay.put(key, s.reveal())));
        R instance = budget == InstanceBudget.UNLIMITED
                ? delegate.create(instanceSettings.withAll(overlay), this::fetchForConnection)
                : delegate.create(instanceSettings.withAll(overlay), this::fetchForConnection, budget);
        instances.put(new Identity(instance), instance);
        watch.start();
        return instance;
    }

    /** What the provider's {@link Credentials} answer: the value in force at the source now, audited. */
    private Optional<Secret> fetchForConnection(String key) {
        Optional<Secret> value;
        try {
            value = fetch(key);
        } catch (CredentialUnavailableException e) {
            audit.record(AuditKind.CREDENTIAL_USE, Outcome.FAILURE, context, "key=" + key + " source=" + source.name()
                    + " for=connection error=" + e.getCause().getClass().getName(), null);
            throw e;
        }
        audit.record(AuditKind.CREDENTIAL_USE, Outcome.SUCCESS, context, "key=" + key + " source=" + source.name()
                + " for=connection" + (value.isPresent() ? "" : " absent"), null);
        return value;
    }

    private Map<String, Optional<Secret>> fetchAll() {
        Map<String, Optional<Secret>> values = new TreeMap<>();
        for (String key : credentials.keys()) {
            try {
                values.put(key, fetch(key));
            } catch (CredentialUnavailableException e) {
                audit.record(AuditKind.CREDENTIAL_USE, Outcome.FAILURE, context, "key=" + key + " source="
                        + source.name() + " for=instance error=" + e.getCause().getClass().getName(), null);
                throw e;
            }
        }
        return values;
    }

    /** The source's value, or the one in the settings when the source holds none. */
    Optional<Secret> fetch(String key) {
        Optional<Secret> value;
        try {
            value = source.fetch(settings, key);
        } catch (Exception e) {
            throw new CredentialUnavailableException(settings.name(), "NEBULA-4301 Could not fetch credential '" + key
                    + "' of " + who + " from source '" + source.name() + "': " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        return value != null && value.isPresent() ? value : settings.secret(key);
    }

    private static String useDetail(Map<String, Optional<Secret>> values, String purpose) {
        Set<String> present = new TreeSet<>();
        values.forEach((k, v) -> v.ifPresent(s -> present.add(k)));
        return "keys=" + String.join(",", present) + " for=" + purpose;
    }

    // ------------------------------------------------------------------ rotation

    /**
     * Reads the source again; rotates when a value changed, and tells the {@linkplain #announceTo announcer} so.
     * The watch calls it; tests call it directly.
     */
    public void refresh() {
        watch.refresh(true);
    }

    /**
     * Reads the source again and rotates when a value changed, without telling the announcer: what a node does when
     * another node announced a rotation, or an operator's refresh that announces once for all the resource's pools.
     *
     * @return {@code true} when nothing is left to do (a value changed and the pool rotated, or it made nothing yet);
     *         {@code false} when the source still returns the values in force, or could not be read
     */
    public boolean refreshUnannounced() {
        return watch.refresh(false);
    }

    /**
     * Tells the announcer of rotations this pool sees itself ({@code ClusterRotation}: the cluster); {@code null}
     * for none.
     */
    public void announceTo(RotationAnnouncer announcer) {
        this.announcer = announcer;
    }

    /** Tells the announcer, if any, that this resource's credentials rotated here (an operator's refresh). */
    public void announce() {
        RotationAnnouncer a = announcer;
        if (a != null) {
            a.announce(settings.name());
        }
    }

    /** {@link System#nanoTime()} of the last rotation; meaningless while {@link #rotations()} is 0. */
    public long rotatedAtNanos() {
        return rotatedAtNanos;
    }

    /**
     * Offers the new credentials to each live instance; marks those that cannot take them in place stale.
     *
     * @param announce whether to tell the announcer: {@code false} when another node's announcement made this node
     *                 re-read, so that no node echoes it back
     */
    void rotate(Set<String> changed, boolean announce) {
        rotatedAtNanos = System.nanoTime();
        rotations.incrementAndGet();
        List<R> live = new ArrayList<>(instances.values());
        int renewed = 0;
        int retiring = 0;
        for (R instance : live) {
            boolean inPlace;
            try {
                inPlace = delegate.renewCredentials(instance);
            } catch (RuntimeException e) {
                LOG.log(WARNING, "NEBULA-4305 Provider " + delegate.kind() + " failed to renew the credentials of an"
                        + " instance of " + who + "; it is retired instead", e);
                inPlace = false;
            }
            if (inPlace) {
                renewed++;
            } else {
                stale.add(new Identity(instance));
                anyStale = true;
                retiring++;
            }
        }
        String keys = String.join(",", changed);
        int renewedCount = renewed;
        int retiringCount = retiring;
        LOG.log(INFO, () -> "NEBULA-4302 Credentials of " + who + " changed at source '" + source.name() + "' ("
                + keys + "): new instances use the new ones; " + renewedCount + " renewed in place, " + retiringCount
                + " retired as they come back");
        audit.record(AuditKind.CREDENTIAL_ROTATION, Outcome.SUCCESS, context, "keys=" + keys + " source=" + source.name()
                + " renewed=" + renewed + " retiring=" + retiring, null);
        for (PoolListener l : listeners) {
            try {
                l.onCredentialRotation(settings.name(), context, Set.copyOf(changed));
            } catch (RuntimeException e) {
                LOG.log(WARNING, "NEBULA-4306 Listener " + l.getClass().getName() + " of " + who + " threw; ignored", e);
            }
        }
        if (announce) {
            announce();
        }
    }

    // ------------------------------------------------------------------ the rest goes to the kind's provider

    @Override
    public boolean recycle(R instance) {
        return !isStale(instance) && delegate.recycle(instance);
    }

    @Override
    public void destroy(R instance) {
        instances.remove(new Identity(instance));
        stale.remove(new Identity(instance));
        delegate.destroy(instance);
    }

    @Override
    public void shutdown(ResourceSettings shutdownSettings) {
        watch.stop();
        delegate.shutdown(shutdownSettings);
        LOG.log(DEBUG, () -> "NEBULA-4309 Credential watch of " + who + " stopped");
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public Class<R> type() {
        return delegate.type();
    }

    @Override
    public Topology topology() {
        return delegate.topology();
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings s) {
        return delegate.validate(s);
    }

    @Override
    public Set<String> keys() {
        return delegate.keys();
    }

    @Override
    public HealthStatus check(R instance, CheckDepth depth) {
        return delegate.check(instance, depth);
    }

    @Override
    public boolean isFatal(Throwable error) {
        return delegate.isFatal(error);
    }

    @Override
    public boolean isRetryable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CredentialUnavailableException) {
                return true; // a mount being swapped, a source restarting: worth another try
            }
        }
        return delegate.isRetryable(error);
    }

    @Override
    public Set<Class<?>> views() {
        return delegate.views();
    }

    @Override
    public <V> V view(R instance, Class<V> viewType) {
        return delegate.view(instance, viewType);
    }

    @Override
    public void resized(R instance, int minSize, int maxSize) {
        delegate.resized(instance, minSize, maxSize);
    }

    @Override
    public void acquireTimeoutChanged(R instance, java.time.Duration acquireTimeout) {
        delegate.acquireTimeoutChanged(instance, acquireTimeout);
    }

    @Override
    public void handOutThrough(R instance, io.nebula.resource.spi.HandOutPipeline pipeline) {
        delegate.handOutThrough(instance, pipeline);
    }

    @Override
    public void budgetInstances(R instance, InstanceBudget budget) {
        delegate.budgetInstances(instance, budget);
    }

    @Override
    public boolean countsInstances() {
        return delegate.countsInstances();
    }

    @Override
    public void reportTo(R instance, io.nebula.resource.spi.BackendSignal signal) {
        delegate.reportTo(instance, signal);
    }

    @Override
    public java.util.Optional<io.nebula.resource.spi.ConnectionPoolFigures> connectionPool(R instance) {
        return delegate.connectionPool(instance);
    }

    @Override
    public String toString() {
        return "CredentialedProvider[" + delegate.kind() + ", " + who + ", source " + source.name() + "]";
    }

    /** Assembles the provider of one pool. */
    public static final class Builder<R> {
        private final ResourceProvider<R> delegate;
        private final ResourceSettings settings;
        private CredentialSource source = new SettingsCredentialSource();
        private CredentialSettings credentials;
        private AuditTrail audit = AuditTrail.NONE;
        private final List<PoolListener> listeners = new ArrayList<>();
        private ScheduledExecutorService scheduler;

        private Builder(ResourceProvider<R> delegate, ResourceSettings settings) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Where credentials come from; default: the settings themselves ({@link SettingsCredentialSource}). */
        public Builder<R> source(CredentialSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The {@code credentials.*} keys; default: read from the settings with this builder's source. */
        public Builder<R> credentials(CredentialSettings credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder<R> audit(AuditTrail audit) {
            this.audit = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /** Told of each rotation ({@link PoolListener#onCredentialRotation}). */
        public Builder<R> listener(PoolListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Runs the credential watch; default: one daemon thread shared by every pool. */
        public Builder<R> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public CredentialedProvider<R> build() {
            if (credentials == null) {
                credentials = CredentialSettings.from(settings, source.name(), Map.of(source.name(), source));
            }
            return new CredentialedProvider<>(this);
        }
    }

    /** An instance as a map key by identity, as an IdentityHashMap would have it. */
    private record Identity(Object instance) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.instance == instance;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(instance);
        }
    }
}
