package io.nebula.resource.benchmarks.nebula;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.benchmarks.Widget;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

/**
 * A provider of trivial objects, the same kind of object the peers pool: creating, checking and
 * destroying one costs nothing, so the core pool's own work is what the hit cycle measures.
 */
public final class WidgetProvider implements ResourceProvider<Widget> {

    @Override
    public String kind() {
        return "benchmark-widget";
    }

    @Override
    public Class<Widget> type() {
        return Widget.class;
    }

    @Override
    public Widget create(ResourceSettings settings) {
        return new Widget();
    }

    @Override
    public HealthStatus check(Widget instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public void destroy(Widget instance) {
    }
}
