package io.nebula.resource.it.support;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.io.IOException;
import java.util.List;

/**
 * Kind {@code it-channel}: {@link Channel}s, one per lease (topology POOLED), made by {@link ChannelBackend}.
 * One key of its own, {@code password}, at least 12 characters long: a secret, so that the configuration
 * error tests can check it never shows. Registered by each test archive in its
 * {@code META-INF/services/io.nebula.resource.spi.ResourceProvider}.
 */
public class ChannelProvider implements ResourceProvider<Channel> {

    public static final String KIND = "it-channel";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<Channel> type() {
        return Channel.class;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        return settings.secret("password")
                .filter(p -> p.reveal().length() < 12)
                .map(p -> List.of(new ConfigProblem(settings.keyOf("password"), "must be at least 12 characters long")))
                .orElse(List.of());
    }

    @Override
    public Channel create(ResourceSettings settings) throws IOException {
        if (ChannelBackend.isDown(settings.name())) {
            throw new IOException("the backend of " + settings.name() + " refuses connections");
        }
        return ChannelBackend.open(settings.name());
    }

    @Override
    public HealthStatus check(Channel instance, CheckDepth depth) {
        return ChannelBackend.isDown(instance.resource()) ? HealthStatus.down("backend down") : HealthStatus.up();
    }

    @Override
    public void destroy(Channel instance) {
        instance.destroy();
        ChannelBackend.closed(instance);
    }
}
