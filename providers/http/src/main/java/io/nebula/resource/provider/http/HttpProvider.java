package io.nebula.resource.provider.http;

import io.nebula.resource.spi.RequestDecorator;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Kind {@code http}: an {@link HttpEndpoint}, one {@link HttpClient} shared by every user of the
 * resource (topology {@link Topology#RESIDENT}: the JDK client is thread-safe and multiplexes its own
 * connections). Injectable as {@code HttpEndpoint} or as the {@code HttpClient} view.
 *
 * <p>Health: the configured {@code health-method} (HEAD by default) of {@code health-path} for a
 * shallow check, a GET of it for a deep one. 2xx and 3xx are UP, 4xx DEGRADED (the server answers, but
 * the health path is wrong or needs credentials), 5xx and any I/O error DOWN.
 */
public final class HttpProvider implements ResourceProvider<HttpEndpoint> {

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public Class<HttpEndpoint> type() {
        return HttpEndpoint.class;
    }

    @Override
    public Topology topology() {
        return Topology.RESIDENT;
    }

    @Override
    public Set<Class<?>> views() {
        return Set.of(HttpClient.class);
    }

    @Override
    public <V> V view(HttpEndpoint instance, Class<V> viewType) {
        if (viewType == HttpClient.class) {
            return viewType.cast(instance.client());
        }
        return ResourceProvider.super.view(instance, viewType);
    }

    /** The keys of docs/providers: a resource of this kind with any other (beside the common ones) fails deployment. */
    @Override
    public List<ConfigKey> configKeys() {
        return HttpSettings.DEFINITIONS;
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        problems.read(() -> HttpSettings.read(settings));
        return problems.list();
    }

    /** Builds the client; no request is made: the server may come up later, and health checks will say. */
    @Override
    public HttpEndpoint create(ResourceSettings settings) {
        HttpSettings http = HttpSettings.read(settings);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(http.connectTimeout())
                .followRedirects(http.redirects())
                .build();
        return new HttpEndpoint(settings.name(), http, HttpSettings.headers(settings), client, loadDecorators());
    }

    private static List<RequestDecorator> loadDecorators() {
        List<RequestDecorator> decorators = new ArrayList<>();
        ServiceLoader.load(RequestDecorator.class).forEach(decorators::add);
        return decorators;
    }

    @Override
    public HealthStatus check(HttpEndpoint endpoint, CheckDepth depth) {
        if (endpoint.isClosed()) {
            return HealthStatus.down("HTTP resource '" + endpoint.resource() + "' is closed");
        }
        String method = depth == CheckDepth.DEEP ? "GET" : endpoint.healthMethod();
        try {
            HttpRequest request = endpoint.request(endpoint.healthPath())
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build();
            HttpResponse<Void> response = endpoint.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            String said = method + " " + endpoint.healthPath() + " answered " + status;
            HealthStatus result;
            if (status >= 500) {
                result = HealthStatus.down(said);
            } else if (status >= 400) {
                result = HealthStatus.degraded(said + ": check nebula.resource." + endpoint.resource()
                        + ".health-path and the default headers");
            } else {
                result = HealthStatus.up();
            }
            URI uri = request.uri(); // without its query, which is no one's business in a health report
            return result.withDetail("status", status)
                    .withDetail("url", uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthStatus.down(e);
        } catch (IOException | RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    /** The client is shared and stateless between requests: nothing to reset. */
    @Override
    public boolean recycle(HttpEndpoint endpoint) {
        return !endpoint.isClosed();
    }

    @Override
    public void destroy(HttpEndpoint endpoint) {
        endpoint.close();
    }

    /**
     * Only a closed endpoint is broken. A refused connection or a timeout says the server is unwell, not
     * the client, and a new client would meet the same server.
     */
    @Override
    public boolean isFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedEndpointException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isRetryable(Throwable error) {
        return !(error instanceof ConfigurationInvalidException);
    }
}
