package io.nebula.resource.core.credential;

import io.nebula.resource.spi.CredentialSource;

import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static java.lang.System.Logger.Level.WARNING;

/** The credential sources installed: those {@link ServiceLoader} finds, by name. */
public final class CredentialSources {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.credential");

    private CredentialSources() {
    }

    /**
     * Every source registered in {@code META-INF/services/io.nebula.resource.spi.CredentialSource} visible to
     * {@code loader} ({@code settings} and {@code directory} come with the engine). A source that cannot be
     * loaded is logged and left out; of two with one name, the first found wins.
     */
    public static Map<String, CredentialSource> installed(ClassLoader loader) {
        Map<String, CredentialSource> byName = new TreeMap<>();
        var it = ServiceLoader.load(CredentialSource.class, loader).iterator();
        while (true) {
            CredentialSource source;
            try {
                if (!it.hasNext()) {
                    break;
                }
                source = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.log(WARNING, "NEBULA-4310 A credential source could not be loaded; it is left out", e);
                continue;
            }
            CredentialSource previous = byName.putIfAbsent(source.name(), source);
            if (previous != null && previous.getClass() != source.getClass()) {
                LOG.log(WARNING, "NEBULA-4311 Two credential sources are named ''{0}'': {1} is used, {2} is not",
                        source.name(), previous.getClass().getName(), source.getClass().getName());
            }
        }
        return byName;
    }
}
