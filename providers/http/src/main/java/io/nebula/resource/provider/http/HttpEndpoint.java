package io.nebula.resource.provider.http;

import io.nebula.resource.Deadline;
import io.nebula.resource.spi.RequestDecorator;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.lang.System.Logger.Level.WARNING;

/**
 * An HTTP API as a resource: one shared, thread-safe {@link HttpClient} with a base URL, default
 * headers and a request timeout.
 *
 * <pre>{@code
 * @Inject @NebulaResource("payments-api") HttpEndpoint payments;
 *
 * HttpRequest request = payments.request("orders/42").build();          // https://pay.example.com/v1/orders/42
 * HttpResponse<String> response = payments.send(request, BodyHandlers.ofString());
 * }</pre>
 *
 * Paths are resolved below the base URL ({@code /orders} and {@code orders} alike). The endpoint sends
 * only to its own origin (scheme, host and port of the base URL): a request elsewhere is refused with
 * an {@link IllegalArgumentException}, so the default headers, which often carry credentials, never
 * leave for another host. Requests sent through {@link #send}, {@link #sendAsync} or {@link #client()}
 * get the default headers they do not set themselves, the request timeout if they have none, and the
 * {@link RequestDecorator}s.
 *
 * <p>A request sent by a thread that has a {@link Deadline} (a workflow scope or an {@code @Action} entered with
 * one, or {@link Deadline#bind()}) carries what is left of it, in whole milliseconds, in the
 * {@value #DEADLINE_HEADER} header ({@code Nebula-Deadline-Ms: 180}; {@code 0} once it has passed), so the server
 * can give up on work its caller will no longer wait for. A value the application set itself is kept.
 *
 * <p>Once the resource is closed every use throws an {@link IllegalStateException}.
 */
public final class HttpEndpoint {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.provider.http");

    /** The header that tells the server what is left of the caller's deadline, in whole milliseconds. */
    public static final String DEADLINE_HEADER = "Nebula-Deadline-Ms";

    private final String resource;
    private final URI baseUri;
    private final Map<String, String> defaultHeaders; // values may be credentials: never shown
    private final Duration requestTimeout;
    private final String healthPath;
    private final String healthMethod;
    private final EndpointClient client;
    private final List<RequestDecorator> decorators;
    private volatile boolean closed;

    HttpEndpoint(String resource, HttpSettings settings, Map<String, String> defaultHeaders, HttpClient http,
                 List<RequestDecorator> decorators) {
        this.resource = resource;
        this.baseUri = settings.baseUri();
        this.defaultHeaders = Map.copyOf(defaultHeaders);
        this.requestTimeout = settings.requestTimeout();
        this.healthPath = settings.healthPath();
        this.healthMethod = settings.healthMethod();
        this.client = new EndpointClient(this, http);
        this.decorators = new CopyOnWriteArrayList<>(decorators);
    }

    /** The name of the resource. */
    public String resource() {
        return resource;
    }

    /** The base URL, ending with a slash. */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * A request builder for a path below the base URL, with the default headers and the request timeout
     * set (both can be overridden on the builder). A GET unless you say otherwise.
     *
     * @param path relative to the base URL, may carry a query: {@code orders?status=open}
     * @throws IllegalArgumentException when the path is not a valid URI or leads to another origin
     * @throws IllegalStateException    when the resource is closed
     */
    public HttpRequest.Builder request(String path) {
        ensureOpen();
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).timeout(requestTimeout);
        defaultHeaders.forEach(builder::setHeader);
        return builder;
    }

    /** Sends a request to this endpoint's origin, blocking; see the class comment for what is added. */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client.send(request, handler);
    }

    /** Sends a request to this endpoint's origin asynchronously; see the class comment for what is added. */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client.sendAsync(request, handler);
    }

    /**
     * The shared client, as the {@code HttpClient} view of the resource. It sends only to this endpoint's
     * origin and adds what {@link #send} adds; WebSockets it opens get neither headers nor decorators.
     */
    public HttpClient client() {
        return client;
    }

    /** Decorates every request this endpoint sends from now on, after the service-loaded decorators. */
    public void addDecorator(RequestDecorator decorator) {
        decorators.add(Objects.requireNonNull(decorator, "decorator"));
    }

    public void removeDecorator(RequestDecorator decorator) {
        decorators.remove(decorator);
    }

    public boolean isClosed() {
        return closed;
    }

    // --- for the provider and the client view //

    String healthPath() {
        return healthPath;
    }

    String healthMethod() {
        return healthMethod;
    }

    /**
     * java.net.http in Java 17 has no close: the client's threads end once it is unreachable. So closing
     * marks the endpoint, refuses further use, and lets go of nothing else.
     */
    void close() {
        closed = true;
    }

    void ensureOpen() {
        if (closed) {
            throw new ClosedEndpointException(resource);
        }
    }

    /**
     * The request as it is sent: checked for its origin, completed with defaults and the sending thread's deadline,
     * and decorated. Read on the sending thread, so {@link Deadline#current()} is the caller's.
     */
    HttpRequest outgoing(HttpRequest request) {
        ensureOpen();
        requireOwnOrigin(request.uri());
        boolean complete = request.timeout().isPresent()
                && defaultHeaders.keySet().stream().allMatch(name -> request.headers().firstValue(name).isPresent());
        Deadline deadline = Deadline.current();
        if (complete && decorators.isEmpty() && deadline == null) {
            return request;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
        defaultHeaders.forEach((name, value) -> {
            if (request.headers().firstValue(name).isEmpty()) {
                builder.header(name, value);
            }
        });
        if (request.timeout().isEmpty()) {
            builder.timeout(requestTimeout);
        }
        if (deadline != null && request.headers().firstValue(DEADLINE_HEADER).isEmpty()) {
            builder.setHeader(DEADLINE_HEADER, Long.toString(deadline.remaining().toMillis()));
        }
        for (RequestDecorator decorator : decorators) {
            try {
                decorator.decorate(resource, request, builder);
            } catch (RuntimeException e) {
                LOG.log(WARNING, "NEBULA-2601 HTTP resource '" + resource + "': request decorator "
                        + decorator.getClass().getName() + " failed; the request is sent without it", e);
            }
        }
        return builder.build();
    }

    private URI resolve(String path) {
        Objects.requireNonNull(path, "path");
        URI target;
        try {
            URI given = new URI(path);
            if (given.isAbsolute() || given.getRawAuthority() != null) {
                target = baseUri.resolve(given);
            } else {
                // Below the base URL, not the host's root: "/orders" is "orders".
                String relative = path.startsWith("/") ? path.substring(1) : path;
                target = relative.isEmpty() ? baseUri : baseUri.resolve(new URI(relative));
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("HTTP resource '" + resource + "': not a valid path: " + e.getReason(), e);
        }
        requireOwnOrigin(target);
        return target;
    }

    private void requireOwnOrigin(URI target) {
        if (!origin(target).equals(origin(baseUri))) {
            throw new IllegalArgumentException("HTTP resource '" + resource + "' sends only to " + origin(baseUri)
                    + "; refused a request to " + origin(target));
        }
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }

    /** Names the resource and base URL; never the headers. */
    @Override
    public String toString() {
        return "HttpEndpoint[" + resource + ", " + baseUri + (closed ? ", closed" : "") + "]";
    }
}
