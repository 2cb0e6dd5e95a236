package io.nebula.resource.sample.cache;

import java.util.Optional;

/**
 * A small in-process key/value cache: what the sample's {@code cache} resource is by default, in
 * place of Redis. Thread-safe; one instance is shared by every lease.
 */
public interface LocalCache {

    Optional<String> get(String key);

    /** Stores a value; when the cache is full, some other entry makes room. */
    void put(String key, String value);

    void remove(String key);

    int size();

    /** The most entries the cache holds, {@code nebula.resource.<name>.max-entries}. */
    int maxEntries();
}
