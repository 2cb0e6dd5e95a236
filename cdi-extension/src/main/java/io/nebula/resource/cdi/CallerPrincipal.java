package io.nebula.resource.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;

import java.security.Principal;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * The authenticated caller, for audit records: the container's {@link Principal} bean. Where it has none
 * (Weld SE, a thread outside a request) the records carry no principal; once the container says it cannot
 * give one at all, it is not asked again.
 */
final class CallerPrincipal implements Supplier<String> {

    private static final System.Logger LOG = System.getLogger(CallerPrincipal.class.getName());

    private final Supplier<BeanManager> beanManager;
    private volatile Instance<Principal> principal;
    private volatile boolean unavailable;

    CallerPrincipal(Supplier<BeanManager> beanManager) {
        this.beanManager = beanManager;
    }

    @Override
    public String get() {
        if (unavailable) {
            return null;
        }
        try {
            Instance<Principal> p = principal;
            if (p == null) {
                p = beanManager.get().createInstance().select(Principal.class);
                principal = p;
            }
            if (!p.isResolvable()) {
                unavailable = true;
                return null;
            }
            Principal caller = p.get();
            return caller == null ? null : caller.getName();
        } catch (RuntimeException e) {
            unavailable = true;
            LOG.log(DEBUG, () -> "NEBULA-4021 No caller principal available: audit records carry none", e);
            return null;
        }
    }
}
