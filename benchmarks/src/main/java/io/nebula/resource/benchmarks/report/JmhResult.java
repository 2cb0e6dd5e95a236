package io.nebula.resource.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a JMH CSV result file ({@code -rf csv}): a score for one benchmark, mode, thread count
 * and parameter set. Percentile lines of sample-time runs carry their percentile ({@code p0.99}).
 */
record JmhResult(String suite, String method, String percentile, String mode, int threads, long samples,
                 double score, double error, String unit, Map<String, String> params) {

    /** The parameter's value, or {@code ""} when the benchmark has no such parameter. */
    String param(String name) {
        return params.getOrDefault(name, "");
    }

    boolean isPercentile() {
        return percentile != null;
    }

    /** Reads every line of one CSV file JMH wrote. */
    static List<JmhResult> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<JmhResult> results = new ArrayList<>();
        if (lines.isEmpty()) {
            return results;
        }
        List<String> header = fields(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            String benchmark = f.get(0);
            String percentile = null;
            int colon = benchmark.indexOf(':');
            if (colon > 0) {
                percentile = benchmark.substring(colon + 1);
                benchmark = benchmark.substring(0, colon);
            }
            String[] parts = benchmark.split("\\.");
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 7; i < header.size() && i < f.size(); i++) {
                params.put(header.get(i).replace("Param: ", ""), f.get(i));
            }
            results.add(new JmhResult(parts[parts.length - 2], parts[parts.length - 1], percentile, f.get(1),
                    Integer.parseInt(f.get(2)), Long.parseLong(f.get(3)), number(f.get(4)), number(f.get(5)),
                    f.get(6), params));
        }
        return results;
    }

    private static double number(String text) {
        return text.equals("NaN") ? Double.NaN : Double.parseDouble(text);
    }

    /** Splits one CSV line; JMH quotes text fields and never puts a quote inside one. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
