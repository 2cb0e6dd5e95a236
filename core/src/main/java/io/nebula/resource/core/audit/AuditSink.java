package io.nebula.resource.core.audit;

import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.spi.ConfigKey;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

/**
 * Where an application's audit records go: the logger {@value AuditRecord#LOGGER}, and the application's observers
 * when it has any (under CDI, the observers of {@link AuditRecord} events). Leases are granted and given back far
 * more often than anything else happens to a resource, so their records ({@link AuditLog#perLease}) are logged at
 * DEBUG and the rest (refusals, failed acquisitions, credential use and rotation) at INFO: an operator reading the
 * log at INFO sees what needs a look, not a line per lease.
 *
 * <p>A record costs its making (a clock read, the caller's principal, the record) and handing it to observers costs
 * the container's observer resolution and dispatch: most of a pooled acquisition when nobody listens. So
 * {@link #wantsLeases} or {@link #wantsNotable} is asked before a record is made ({@link AuditGate}), and one is
 * made only when its log level is on or the application observes records. Whether it does is asked once
 * ({@link #decide}), as soon as the container can say (under CDI, when deployment is validated: observers cannot
 * change afterwards).
 */
public final class AuditSink implements Consumer<AuditRecord>, AuditGate.Demand {

    private static final System.Logger LOG = System.getLogger(AuditRecord.LOGGER);

    /** The application key that turns audit records off, and its default. */
    public static final String ENABLED = "nebula.audit.enabled";
    public static final boolean ENABLED_BY_DEFAULT = true;
    /** {@link #ENABLED}, described for docs/configuration.md (a full key: it belongs to no resource). */
    public static final ConfigKey DEFINITION = ConfigKey.bool(ENABLED, ENABLED_BY_DEFAULT, "false: no audit record is"
            + " made, neither logged nor fired as a CDI event (docs/tenancy.md).");

    private final Consumer<AuditRecord> observers;
    private final BooleanSupplier observedNow;
    /** Whether the application observes records; {@code null} until the container could say. */
    private volatile Boolean observed;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder fired = new LongAdder();

    /**
     * @param observers   hands a record to the application's observers (under CDI, fires it as an event); must not throw
     * @param observedNow whether the application observes records; throws {@link IllegalStateException} while the
     *                    container cannot say yet (records are then handed over, as an observer may be there)
     */
    public AuditSink(Consumer<AuditRecord> observers, BooleanSupplier observedNow) {
        this.observers = observers;
        this.observedNow = observedNow;
    }

    @Override
    public boolean wantsLeases() {
        return observed() || LOG.isLoggable(DEBUG);
    }

    @Override
    public boolean wantsNotable() {
        return observed() || LOG.isLoggable(INFO);
    }

    @Override
    public void accept(AuditRecord record) {
        delivered.increment();
        System.Logger.Level level = AuditLog.levelOf(record.kind(), record.outcome());
        if (LOG.isLoggable(level)) {
            LOG.log(level, "NEBULA-4100 " + record.toLogLine());
        }
        if (observed()) {
            fired.increment();
            observers.accept(record);
        }
    }

    /**
     * Asks the container, once, whether the application observes audit records. Called when it can first answer
     * (under CDI, when deployment is validated).
     *
     * @throws IllegalStateException when the container cannot say yet
     */
    public void decide() {
        observed = observedNow.getAsBoolean();
    }

    private boolean observed() {
        Boolean o = observed;
        if (o == null) {
            try {
                decide();
                o = observed;
            } catch (IllegalStateException e) {
                return true; // the container cannot say yet: hand records over, as an observer may be there
            }
        }
        return o;
    }

    /** How many records reached this sink: each was made because its log level was on or an observer was there. */
    public long delivered() {
        return delivered.sum();
    }

    /** How many records were handed to the application's observers. */
    public long fired() {
        return fired.sum();
    }
}
