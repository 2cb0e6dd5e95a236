package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A test's own database on the local Redis. As a field with {@code @RegisterExtension}: emptied before each test, and
 * what the test opened on it ({@link #closeAfter}) closed after each.
 */
final class RedisDb implements BeforeEachCallback, AfterEachCallback {

    private final String url;
    private final List<AutoCloseable> open = new ArrayList<>();

    RedisDb(String url) {
        this.url = url;
    }

    /** Empties the database of {@code url} (only that one: {@code FLUSHDB}) before a test. */
    static void flush(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }

    /** Closes {@code closeable} after the test, in the order opened. */
    <T extends AutoCloseable> T closeAfter(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        flush(url);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable c : open) {
                c.close();
            }
        } finally {
            open.clear();
        }
    }
}
