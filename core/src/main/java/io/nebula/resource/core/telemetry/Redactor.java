package io.nebula.resource.core.telemetry;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;

import java.util.ArrayList;
import java.util.List;

/**
 * Masks a resource's secret values (its password, token, ... keys) wherever an error's text is about to
 * leave the library: a span's status, a log record, a health report. A provider must never put a secret in
 * a message, but a driver may echo what it was given; this is the last line, not the first.
 */
public final class Redactor {

    /** Masks nothing. */
    public static final Redactor NONE = new Redactor(List.of());

    /** Values shorter than this are not masked: they would mask ordinary words and give nothing away. */
    private static final int SHORTEST = 4;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    /** Masks the values of the keys of {@code settings} that hold secrets ({@link ResourceSettings#isSecretKey}). */
    public static Redactor of(ResourceSettings settings) {
        List<String> values = new ArrayList<>();
        settings.asMap().forEach((key, value) -> {
            if (ResourceSettings.isSecretKey(key) && value != null && value.length() >= SHORTEST) {
                values.add(value);
            }
        });
        values.sort((a, b) -> b.length() - a.length()); // longest first, so a secret inside another is masked whole
        return values.isEmpty() ? NONE : new Redactor(List.copyOf(values));
    }

    /** {@code text} with every secret value replaced by {@value Secret#MASK}. */
    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String result = text;
        for (String s : secrets) {
            if (result.contains(s)) {
                result = result.replace(s, Secret.MASK);
            }
        }
        return result;
    }

    /** An error as {@code Type: message}, redacted; {@code null} for none. */
    public String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        String m = error.getMessage();
        return error.getClass().getName() + (m == null ? "" : ": " + redact(m));
    }
}
