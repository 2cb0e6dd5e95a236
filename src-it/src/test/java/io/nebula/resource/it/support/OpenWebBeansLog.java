package io.nebula.resource.it.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What embedded OpenWebBeans logs at SEVERE (through {@code java.util.logging}, its default) while open: where it
 * reports the definition errors of a failed deployment. OpenWebBeans throws only "There are errors that are added by
 * AfterBeanDiscovery event observers. Look at logs for further details" and logs each error, with its exception,
 * there; this is what a user of OpenWebBeans reads.
 */
public final class OpenWebBeansLog implements AutoCloseable {

    private static final String LOGGER = "org.apache.webbeans";

    private final Logger logger = Logger.getLogger(LOGGER);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private OpenWebBeansLog() {
        logger.addHandler(handler);
    }

    public static OpenWebBeansLog record() {
        return new OpenWebBeansLog();
    }

    /** Each record's message and the messages of its exception and the exception's causes. */
    public String text() {
        return records.stream()
                .flatMap(r -> Stream.concat(Stream.of(r.getLoggerName() + " " + r.getMessage()),
                        Stream.iterate(r.getThrown(), t -> t != null, Throwable::getCause)
                                .map(t -> t.getClass().getName() + ": " + t.getMessage())))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
