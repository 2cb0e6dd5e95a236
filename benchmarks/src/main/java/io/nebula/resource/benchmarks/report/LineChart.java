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

/**
 * Time series drawn with Java2D like {@link BarChart} (same fonts, same axis steps, same number format): one panel
 * per series, stacked over a shared time axis in minutes, with bands shading spans of time (a warm-up, outages) and an
 * optional fitted line per panel. The soak's chart (docs/reliability.md).
 */
public final class LineChart {

    /** A shaded span of the time axis, in seconds, with its legend label. */
    public record Band(double fromSeconds, double toSeconds, Color color, String label) {
    }

    /** A straight line drawn over {@code [fromSeconds, toSeconds]} (a fit), dashed. */
    public record Line(double fromSeconds, double fromValue, double toSeconds, double toValue) {
    }

    private record Panel(String title, String note, Color color, double[] seconds, double[] values, Line fit) {
    }

    private static final int WIDTH = 1400;
    private static final int PANEL_HEIGHT = 170;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 130;
    private static final int GAP = 46;
    private static final int BOTTOM = 60;

    private final String title;
    private final String subtitle;
    private final double endSeconds;
    private final List<Band> bands = new ArrayList<>();
    private final List<Panel> panels = new ArrayList<>();

    public LineChart(String title, String subtitle, double endSeconds) {
        this.title = title;
        this.subtitle = subtitle;
        this.endSeconds = endSeconds;
    }

    public LineChart band(Band band) {
        bands.add(band);
        return this;
    }

    /**
     * Adds a panel.
     *
     * @param note written at the right of the panel's title (a verdict); may be empty
     * @param fit  a line to draw over the points, or {@code null}
     */
    public LineChart panel(String title, String note, Color color, double[] seconds, double[] values, Line fit) {
        if (seconds.length != values.length) {
            throw new IllegalArgumentException(title + ": " + seconds.length + " times for " + values.length + " values");
        }
        panels.add(new Panel(title, note, color, seconds, values, fit));
        return this;
    }

    public void write(Path png) throws IOException {
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + BOTTOM - GAP;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            drawHeader(g);
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, panels.get(i), TOP + i * (PANEL_HEIGHT + GAP), i == panels.size() - 1);
            }
        } finally {
            g.dispose();
        }
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private void drawHeader(Graphics2D g) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString(title, LEFT, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, LEFT, 58);
        FontMetrics fm = g.getFontMetrics();
        int x = LEFT;
        List<String> seen = new ArrayList<>();
        for (Band band : bands) {
            if (seen.contains(band.label())) {
                continue;
            }
            seen.add(band.label());
            g.setColor(band.color());
            g.fillRect(x, 80, 18, 14);
            g.setColor(Color.BLACK);
            g.drawString(band.label(), x + 24, 92);
            x += 24 + fm.stringWidth(band.label()) + 24;
        }
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{8f, 6f}, 0f));
        g.setColor(Color.BLACK);
        g.drawLine(x, 87, x + 30, 87);
        g.drawString("least-squares fit after the warm-up", x + 38, 92);
        g.setStroke(new BasicStroke(1f));
    }

    private int x(double seconds) {
        return (int) Math.round(LEFT + seconds / endSeconds * (WIDTH - LEFT - RIGHT));
    }

    private void drawPanel(Graphics2D g, Panel panel, int top, boolean last) {
        int bottom = top + PANEL_HEIGHT;
        for (Band band : bands) {
            g.setColor(band.color());
            g.fillRect(x(band.fromSeconds()), top, Math.max(1, x(band.toSeconds()) - x(band.fromSeconds())), PANEL_HEIGHT);
        }
        double max = 0;
        for (double v : panel.values()) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, v);
            }
        }
        double step = BarChart.niceStep(Math.max(max, 1) * 1.15 / 4);
        double ceiling = Math.ceil(Math.max(max, 1) * 1.15 / step) * step;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double t = 0; t <= ceiling + step / 2; t += step) {
            int y = y(t, ceiling, top, bottom);
            g.setColor(new Color(215, 215, 215));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = t == Math.rint(t) ? Long.toString((long) t)
                    : BarChart.format(t).replaceFirst("(\\.\\d*?)0+$", "$1").replaceFirst("\\.$", "");
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 4);
        }
        long tick = 15;
        for (long candidate : new long[]{15, 30, 60, 120, 300, 600, 900, 1800, 3600}) {
            tick = candidate;
            if (endSeconds / candidate <= 12) {
                break;
            }
        }
        for (long s = 0; s <= endSeconds + 1e-9; s += tick) {
            int x = x(s);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(x, top, x, bottom);
            if (last) {
                g.setColor(Color.DARK_GRAY);
                String label = String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
                g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 16);
            }
        }
        if (last) {
            String axis = "time since the load began (minutes:seconds)";
            g.drawString(axis, (LEFT + WIDTH - RIGHT) / 2 - fm.stringWidth(axis) / 2, bottom + 34);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(LEFT, top, LEFT, bottom);
        g.drawLine(LEFT, bottom, WIDTH - RIGHT, bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(panel.title(), LEFT, top - 8);
        if (!panel.note().isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            g.drawString(panel.note(), WIDTH - RIGHT - g.getFontMetrics().stringWidth(panel.note()), top - 8);
        }
        g.setColor(panel.color());
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (int i = 0; i < panel.values().length; i++) {
            if (Double.isNaN(panel.values()[i])) {
                px = -1;
                continue;
            }
            int x = x(panel.seconds()[i]);
            int y = y(panel.values()[i], ceiling, top, bottom);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            g.fillOval(x - 3, y - 3, 7, 7);
            px = x;
            py = y;
        }
        if (panel.fit() != null) {
            Line fit = panel.fit();
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{8f, 6f}, 0f));
            g.drawLine(x(fit.fromSeconds()), y(fit.fromValue(), ceiling, top, bottom),
                    x(fit.toSeconds()), y(fit.toValue(), ceiling, top, bottom));
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int y(double value, double ceiling, int top, int bottom) {
        double f = Math.max(0, Math.min(1, value / ceiling));
        return (int) Math.round(bottom - f * (bottom - top));
    }
}
