package io.nebula.resource.sample.cache;

/** The cache was destroyed with its resource; the instance cannot be used again. */
public final class CacheClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    CacheClosedException(String resource) {
        super("Cache of resource '" + resource + "' is closed");
    }
}
