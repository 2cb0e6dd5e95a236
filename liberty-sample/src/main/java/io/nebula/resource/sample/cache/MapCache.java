package io.nebula.resource.sample.cache;

import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LocalCache} over a {@link ConcurrentHashMap}. When full, a put evicts whichever entry
 * the map's iterator yields first: cheap and good enough for a sample, not an LRU. The bound is
 * approximate under concurrent puts (it can be exceeded by the number of writers racing at the edge).
 */
final class MapCache implements LocalCache {

    private final String resource;
    private final int maxEntries;
    private final ConcurrentHashMap<String, String> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    MapCache(String resource, int maxEntries) {
        this.resource = resource;
        this.maxEntries = maxEntries;
    }

    @Override
    public Optional<String> get(String key) {
        ensureOpen();
        return Optional.ofNullable(entries.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public void put(String key, String value) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!entries.containsKey(key)) {
            makeRoom();
        }
        entries.put(key, value);
    }

    @Override
    public void remove(String key) {
        ensureOpen();
        entries.remove(Objects.requireNonNull(key, "key"));
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public int maxEntries() {
        return maxEntries;
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
        entries.clear();
    }

    private void makeRoom() {
        Iterator<String> keys = entries.keySet().iterator();
        while (entries.size() >= maxEntries && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new CacheClosedException(resource);
        }
    }

    @Override
    public String toString() {
        return "MapCache[" + resource + ", " + entries.size() + "/" + maxEntries + "]";
    }
}
