package io.nebula.resource.core.telemetry;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one structured log record, in order: the single parameter of the record, so a JSON formatter
 * takes {@code record.getParameters()[0]} as a {@code Map} and writes each field, while a plain formatter
 * prints {@code key=value} pairs (this class's {@link #toString()}). Absent values are left out.
 */
public final class LogFields extends AbstractMap<String, Object> {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** Adds a field unless {@code value} is {@code null}. */
    public LogFields with(String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
        return this;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return Collections.unmodifiableMap(fields).entrySet();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> {
            String s = String.valueOf(v);
            b.append(b.length() == 0 ? "" : " ").append(k).append('=');
            if (s.isEmpty() || s.indexOf(' ') >= 0 || s.indexOf('"') >= 0) {
                b.append('"').append(s.replace("\"", "\\\"")).append('"');
            } else {
                b.append(s);
            }
        });
        return b.toString();
    }
}
