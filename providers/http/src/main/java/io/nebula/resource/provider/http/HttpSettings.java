package io.nebula.resource.provider.http;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys of one HTTP resource, read and checked once. Header values are not kept here: they may be
 * credentials, and are read by {@link #headers} when the endpoint is created.
 */
record HttpSettings(
        URI baseUri,
        Duration connectTimeout,
        Duration requestTimeout,
        String healthPath,
        String healthMethod,
        HttpClient.Redirect redirects) {

    static final String URL = "url";
    static final String HEADERS = "headers.";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String REQUEST_TIMEOUT = "request-timeout";
    static final String HEALTH_PATH = "health-path";
    static final String HEALTH_METHOD = "health-method";
    static final String FOLLOW_REDIRECTS = "follow-redirects";

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final String DEFAULT_HEALTH_PATH = "/";
    static final String DEFAULT_HEALTH_METHOD = "HEAD";
    static final String DEFAULT_FOLLOW_REDIRECTS = "never";

    /** The keys read here, described (docs/configuration.md is made from them). */
    static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(URL, null, "Base URL, http:// or https://, with a host; no user info (credentials go in a"
                    + " header), no query or fragment. Paths resolve below it.").asRequired(),
            ConfigKey.map(HEADERS, "headers.<Name>: a default header on every request. Authorization,"
                    + " Proxy-Authorization, Cookie and names ending in -Token, -Api-Key, -Secret, -Password are secrets;"
                    + " Connection, Content-Length, Expect, Host, Upgrade are refused."),
            ConfigKey.duration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, "How long connecting may take (more than"
                    + " 0)."),
            ConfigKey.duration(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, "How long a request may take until the"
                    + " response headers arrive (more than 0); set on every request that has none."),
            ConfigKey.string(HEALTH_PATH, DEFAULT_HEALTH_PATH, "Path (below url) the health checks call."),
            ConfigKey.choice(HEALTH_METHOD, DEFAULT_HEALTH_METHOD, List.of("HEAD", "GET"), "Method of the shallow"
                    + " health check."),
            ConfigKey.choice(FOLLOW_REDIRECTS, DEFAULT_FOLLOW_REDIRECTS, List.of("never", "normal"), "normal follows"
                    + " redirects, except from https to http; off by default because a followed redirect takes the"
                    + " request's headers, credentials included, wherever it points."));

    /** RFC 9110 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers java.net.http sets itself and refuses from applications. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /**
     * Reads and checks every key.
     *
     * @throws io.nebula.resource.ConfigurationInvalidException listing every problem found
     */
    static HttpSettings read(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();

        URI baseUri = null;
        String url = settings.string(URL).orElse(null);
        if (url == null) {
            problems.add(settings.keyOf(URL), "is required: the base URL of the API, e.g. https://api.example.com/v1");
        } else {
            // The URL is not echoed in problems: it may carry user info.
            String wrong = wrongWithBaseUrl(url);
            if (wrong != null) {
                problems.add(settings.keyOf(URL), wrong);
            } else {
                baseUri = withTrailingSlash(URI.create(url));
            }
        }

        checkHeaders(settings, problems);

        Duration connectTimeout = positive(problems, settings, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        Duration requestTimeout = positive(problems, settings, REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);

        String healthPath = settings.string(HEALTH_PATH, DEFAULT_HEALTH_PATH);
        if (!isRelative(healthPath)) {
            problems.add(settings.keyOf(HEALTH_PATH), "must be a path relative to url, such as /health or status,"
                    + " was '" + healthPath + "'");
        }

        String healthMethod = settings.string(HEALTH_METHOD, DEFAULT_HEALTH_METHOD).toUpperCase(Locale.ROOT);
        if (!healthMethod.equals("HEAD") && !healthMethod.equals("GET")) {
            problems.add(settings.keyOf(HEALTH_METHOD), "must be HEAD or GET, was '" + settings.string(HEALTH_METHOD, "") + "'");
        }

        HttpClient.Redirect redirects = null;
        String follow = settings.string(FOLLOW_REDIRECTS, DEFAULT_FOLLOW_REDIRECTS).toLowerCase(Locale.ROOT);
        switch (follow) {
            case "never" -> redirects = HttpClient.Redirect.NEVER;
            case "normal" -> redirects = HttpClient.Redirect.NORMAL;
            default -> problems.add(settings.keyOf(FOLLOW_REDIRECTS), "must be never or normal, was '" + follow + "'");
        }

        problems.throwIfAny();
        return new HttpSettings(baseUri, connectTimeout, requestTimeout, healthPath, healthMethod, redirects);
    }

    /** The default headers, {@code headers.<Name>=value}, in configuration order; values may be secrets. */
    static Map<String, String> headers(ResourceSettings settings) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String key : settings.keys()) {
            if (key.startsWith(HEADERS)) {
                headers.put(key.substring(HEADERS.length()), settings.asMap().get(key).trim());
            }
        }
        return headers;
    }

    private static void checkHeaders(ResourceSettings settings, ConfigProblems problems) {
        for (String key : settings.keys()) {
            if (!key.startsWith(HEADERS)) {
                continue;
            }
            String name = key.substring(HEADERS.length());
            String value = settings.asMap().get(key);
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(settings.keyOf(key), "must name an HTTP header (letters, digits and !#$%&'*+.^_`|~-),"
                        + " as in headers.Accept=application/json");
            } else if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add(settings.keyOf(key), "is a header the HTTP client sets itself; it cannot be a default"
                        + " header (not allowed: Connection, Content-Length, Expect, Host, Upgrade)");
            }
            // A header value may be a credential: say what is wrong without showing it.
            if (value == null || value.isBlank()) {
                problems.add(settings.keyOf(key), "must have a value");
            } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                problems.add(settings.keyOf(key), "must be one line: line breaks are not allowed in a header value");
            }
        }
    }

    private static String wrongWithBaseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL (" + e.getReason() + "), e.g. https://api.example.com/v1";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http:// or https:// URL, was " + (scheme.isEmpty() ? "a URL without scheme" : "a '" + scheme + ":' URL");
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry user info (credentials); set headers.Authorization instead";
        }
        if (uri.getHost() == null) {
            return "must name a host, as in https://api.example.com/v1";
        }
        if (uri.getPort() > 65535) {
            return "has port " + uri.getPort() + ", which is not between 1 and 65535";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment: it is the base that request paths are resolved against";
        }
        return null;
    }

    /** Paths resolve below the base path, so the base path must end with a slash. */
    private static URI withTrailingSlash(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path);
    }

    private static boolean isRelative(String path) {
        try {
            URI uri = new URI(path);
            return !uri.isAbsolute() && uri.getRawAuthority() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Duration positive(ConfigProblems problems, ResourceSettings settings, String key, Duration defaultValue) {
        Duration value = problems.read(() -> settings.duration(key, defaultValue));
        if (value != null && (value.isZero() || value.isNegative())) {
            problems.add(settings.keyOf(key), "must be longer than 0, was " + ResourceSettings.text(value));
            return null;
        }
        return value;
    }
}
