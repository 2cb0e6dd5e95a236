package io.nebula.resource.benchmarks.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart drawn with Java2D, so the report needs nothing beyond the JDK: one group per
 * run configuration (thread count, contention), one bar per pool, the value written on each bar.
 * A logarithmic axis is available for latencies that span orders of magnitude.
 */
final class BarChart {

    record Series(String label, Color color, double[] values) {
    }

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 700;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 110;
    private static final int BOTTOM = 90;

    private final String title;
    private final String subtitle;
    private final String axisLabel;
    private final List<String> groups;
    private final List<Series> series = new ArrayList<>();
    private final boolean logarithmic;

    BarChart(String title, String subtitle, String axisLabel, List<String> groups, boolean logarithmic) {
        this.title = title;
        this.subtitle = subtitle;
        this.axisLabel = axisLabel;
        this.groups = groups;
        this.logarithmic = logarithmic;
    }

    /** Adds one bar per group; {@code NaN} leaves the group without this bar. */
    BarChart add(String label, Color color, double[] values) {
        if (values.length != groups.size()) {
            throw new IllegalArgumentException(label + ": " + values.length + " values for " + groups.size() + " groups");
        }
        series.add(new Series(label, color, values));
        return this;
    }

    void write(Path png) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawTitle(g);
            drawLegend(g);
            Scale scale = scale();
            drawAxis(g, scale);
            drawBars(g, scale);
        } finally {
            g.dispose();
        }
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private void drawTitle(Graphics2D g) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString(title, LEFT, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, LEFT, 56);
    }

    private void drawLegend(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics fm = g.getFontMetrics();
        int x = LEFT;
        int y = 82;
        for (Series s : series) {
            int w = 18 + 6 + fm.stringWidth(s.label()) + 22;
            if (x + w > WIDTH - RIGHT) {
                x = LEFT;
                y += 20;
            }
            g.setColor(s.color());
            g.fillRect(x, y - 12, 18, 14);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), x + 24, y);
            x += w;
        }
    }

    /** Maps values to pixel heights, linearly from zero or by decades. */
    private record Scale(double min, double max, boolean log, List<Double> ticks) {
        double y(double value, int top, int bottom) {
            double f = log ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (value - min) / (max - min);
            f = Math.max(0, Math.min(1, f));
            return bottom - f * (bottom - top);
        }
    }

    private Scale scale() {
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v) && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        List<Double> ticks = new ArrayList<>();
        if (logarithmic) {
            double low = Math.pow(10, Math.floor(Math.log10(min)));
            double high = Math.pow(10, Math.ceil(Math.log10(max * 1.5)));
            for (double t = low; t <= high * 1.0001; t *= 10) {
                ticks.add(t);
            }
            return new Scale(low, high, true, ticks);
        }
        double step = niceStep(max * 1.12 / 6);
        double top = Math.ceil(max * 1.12 / step) * step;
        for (double t = 0; t <= top + step / 2; t += step) {
            ticks.add(t);
        }
        return new Scale(0, top, false, ticks);
    }

    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private void drawAxis(Graphics2D g, Scale scale) {
        int bottom = HEIGHT - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double t : scale.ticks()) {
            int y = (int) Math.round(scale.y(t, TOP, bottom));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(t);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 5);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, TOP - 10, LEFT, bottom);
        g.drawLine(LEFT, bottom, WIDTH - RIGHT, bottom);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        rotated.drawString(axisLabel, -(TOP + bottom) / 2 - rotated.getFontMetrics().stringWidth(axisLabel) / 2, 24);
        rotated.dispose();
    }

    private void drawBars(Graphics2D g, Scale scale) {
        int bottom = HEIGHT - BOTTOM;
        double groupWidth = (double) (WIDTH - LEFT - RIGHT) / groups.size();
        double barWidth = groupWidth * 0.84 / Math.max(1, series.size());
        Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, barWidth < 26 ? 10 : 12);
        for (int gi = 0; gi < groups.size(); gi++) {
            double x0 = LEFT + gi * groupWidth + groupWidth * 0.08;
            for (int si = 0; si < series.size(); si++) {
                double v = series.get(si).values()[gi];
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                int x = (int) Math.round(x0 + si * barWidth);
                int y = (int) Math.round(scale.y(v, TOP, bottom));
                g.setColor(series.get(si).color());
                g.fillRect(x, y, (int) Math.max(1, barWidth - 2), bottom - y);
                g.setColor(Color.BLACK);
                g.setFont(valueFont);
                String label = format(v);
                int lw = g.getFontMetrics().stringWidth(label);
                g.drawString(label, (int) (x + (barWidth - 2) / 2 - lw / 2.0), y - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            FontMetrics fm = g.getFontMetrics();
            String[] lines = groups.get(gi).split("\n");
            for (int li = 0; li < lines.length; li++) {
                int lw = fm.stringWidth(lines[li]);
                g.drawString(lines[li], (int) (LEFT + gi * groupWidth + groupWidth / 2 - lw / 2.0), bottom + 24 + li * 18);
            }
            if (gi > 0) {
                g.setColor(new Color(200, 200, 200));
                int sx = (int) (LEFT + gi * groupWidth);
                g.drawLine(sx, bottom, sx, bottom + 50);
            }
        }
    }

    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
