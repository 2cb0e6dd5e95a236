package io.nebula.resource.provider.http;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key of an HTTP resource is checked before a client is built, and every problem names its key. */
class HttpSettingsTest {

    private final HttpProvider provider = new HttpProvider();

    @Test
    void defaults() {
        HttpSettings http = HttpSettings.read(settings("url", "https://api.example.com/v1"));
        assertThat(http.baseUri()).isEqualTo(URI.create("https://api.example.com/v1/"));
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.healthPath()).isEqualTo("/");
        assertThat(http.healthMethod()).isEqualTo("HEAD");
        assertThat(http.redirects()).isEqualTo(HttpClient.Redirect.NEVER);
    }

    @Test
    void readsEveryKey() {
        ResourceSettings s = settings("url", "HTTP://api.example.com:8080", "connect-timeout", "2s",
                "request-timeout", "PT5S", "health-path", "status?full=false", "health-method", "get",
                "follow-redirects", "NORMAL", "headers.Accept", "application/json", "headers.X-Api-Key", "k-1");
        HttpSettings http = HttpSettings.read(s);
        assertThat(http.baseUri()).isEqualTo(URI.create("http://api.example.com:8080/"));
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(http.healthPath()).isEqualTo("status?full=false");
        assertThat(http.healthMethod()).isEqualTo("GET");
        assertThat(http.redirects()).isEqualTo(HttpClient.Redirect.NORMAL);
        assertThat(HttpSettings.headers(s)).containsExactlyInAnyOrderEntriesOf(
                Map.of("Accept", "application/json", "X-Api-Key", "k-1"));
    }

    @Test
    void urlIsRequired() {
        assertThat(provider.validate(settings())).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo("nebula.resource.api.url"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://files.example.com | must be an http:// or https:// URL, was a 'ftp:' URL",
            "api.example.com/v1 | must be an http:// or https:// URL, was a URL without scheme",
            "https://user:Url-Secret-9@api.example.com | must not carry user info",
            "https://api.example.com/v1?key=1 | must not have a query or fragment",
            "https://api.example.com/v1#top | must not have a query or fragment",
            "https://api.example.com:70000/ | not between 1 and 65535",
            "https://under_score/ | must name a host",
            "https://api.example.com/a b | is not a valid URL"})
    void badUrlsAreProblemsThatDoNotEchoTheUrl(String url, String message) {
        assertThat(provider.validate(settings("url", url))).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.api.url");
            assertThat(p.message()).contains(message).doesNotContain("Url-Secret-9");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "headers.Host | example.org | a header the HTTP client sets itself",
            "headers.Content-Length | 3 | a header the HTTP client sets itself",
            "headers.Bad Name | x | must name an HTTP header",
            "headers.X-Empty | ' ' | must have a value",
            "connect-timeout | 0 | must be longer than 0",
            "request-timeout | soon | must be a duration",
            "health-path | https://elsewhere.example.com/health | must be a path relative to url",
            "health-method | POST | must be HEAD or GET",
            "follow-redirects | always | must be never or normal"})
    void eachBadValueIsAProblemNamingItsKey(String key, String value, String message) {
        assertThat(provider.validate(settings("url", "https://api.example.com", key, value))).singleElement()
                .satisfies(p -> {
                    assertThat(p.key()).isEqualTo("nebula.resource.api." + key);
                    assertThat(p.message()).contains(message);
                });
    }

    @Test
    void aHeaderValueWithALineBreakIsRefusedWithoutShowingIt() {
        List<ConfigProblem> problems = provider.validate(settings("url", "https://api.example.com",
                "headers.Authorization", "Bearer Header-Secret-4\r\nX-Injected: 1"));
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("nebula.resource.api.headers.Authorization");
        assertThat(problems.toString()).doesNotContain("Header-Secret-4");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> HttpSettings.read(settings("url", "gopher://x", "headers.Host", "h",
                "request-timeout", "-1s", "health-method", "PUT")))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key).containsExactlyInAnyOrder("nebula.resource.api.url",
                                "nebula.resource.api.headers.Host", "nebula.resource.api.request-timeout",
                                "nebula.resource.api.health-method"));
    }

    @Test
    void authorizationAndKeyLikeHeadersAreMaskedInTheSettings() {
        ResourceSettings s = settings("url", "https://api.example.com", "headers.Authorization", "Bearer Tok-1",
                "headers.Proxy-Authorization", "Basic Tok-2", "headers.X-Api-Key", "Tok-3", "headers.Accept", "text/plain");
        assertThat(s.toString()).doesNotContain("Tok-1", "Tok-2", "Tok-3").contains("text/plain");
    }

    private static ResourceSettings settings(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ResourceSettings.of("api", "http", values);
    }
}
