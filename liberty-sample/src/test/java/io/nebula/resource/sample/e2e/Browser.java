package io.nebula.resource.sample.e2e;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Debian's chromedriver ({@code .ci/browser} installs
 * both). Paths are given explicitly so Selenium Manager never tries to download a browser or driver.
 * Each browser gets a fresh profile directory, deleted on {@link #close()}.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver"));

    private final Path profile;
    private final ChromeDriver driver;

    Browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("Chromium (" + CHROMIUM + ") and chromedriver (" + CHROMEDRIVER
                    + ") are needed for the dashboard tests: run .ci/browser to install them");
        }
        try {
            profile = Files.createTempDirectory("nebula-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-quic", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,1200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /**
     * Sends {@code Authorization: Basic ...} with every request from now on (the page's fetches included), through
     * chromedriver's own CDP endpoint, which does not depend on Selenium's per-version DevTools classes. Forgets
     * the cookies first: Liberty's single sign-on cookie (LtpaToken2) would otherwise keep the previous user.
     */
    void signIn(String user, String password) {
        if (driver.getCurrentUrl().startsWith("http")) { // a fresh browser (about:blank) has no cookie to forget
            driver.manage().deleteAllCookies();
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic " + token)));
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Waits up to {@code seconds} for a condition, polling; the page refreshes every 500 ms. */
    WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp profile is harmless; the test result is what matters
            }
        }
    }
}
