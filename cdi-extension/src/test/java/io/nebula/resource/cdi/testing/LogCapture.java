package io.nebula.resource.cdi.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures what the extension logs through {@code System.Logger}, which the JDK backs with
 * java.util.logging: debug messages included.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture(String loggerName, Level level) {
        logger = Logger.getLogger(loggerName);
        previous = logger.getLevel();
        logger.setLevel(level);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Captures the loggers under {@code io.nebula.resource}: the extension's and core's (the pools' structured log). */
    public static LogCapture nebula() {
        return new LogCapture("io.nebula.resource", Level.ALL);
    }

    /** Captures every logger: {@code ""} is the root. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName, Level.ALL);
    }

    /** Captures {@code loggerName} with its level set to {@code level}, as an operator would set it. */
    public static LogCapture of(String loggerName, Level level) {
        return new LogCapture(loggerName, level);
    }

    /** The records themselves, with their parameters (the structured fields of the weaving's records). */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(formatter.formatMessage(record)
                + (record.getThrown() == null ? "" : " | " + record.getThrown()));
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
