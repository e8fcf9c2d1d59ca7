package io.apimeter.e2e;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser: Debian's headless chromium driven through its chromedriver (Selenium never downloads either:
 * {@code SE_OFFLINE=true}, both paths given). One per person, so that sessions never mix.
 */
final class Browser implements AutoCloseable {
    static final int DESKTOP_WIDTH = 1280;
    static final int PHONE_WIDTH = 390;
    private static final String CHROMIUM = System.getProperty("apimeter.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("apimeter.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final String baseUrl;

    Browser(String baseUrl, Path logDir, String name) {
        this(baseUrl, logDir, name, true);
    }

    /** A browser with JavaScript switched off when {@code javascript} is false, as some people browse. */
    Browser(String baseUrl, Path logDir, String name, boolean javascript) {
        this.baseUrl = baseUrl;
        for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException(executable + " is missing: apt-get install chromium chromium-driver"
                        + " (.ci/run does)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=" + DESKTOP_WIDTH + ",900");
        if (!javascript) {
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(logDir.resolve("chromedriver-" + name + ".log").toFile())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a page of the console, e.g. {@code /dashboard}. */
    Browser open(String path) {
        driver.get(baseUrl + path);
        return this;
    }

    /** The path of the page shown, without the query. */
    String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean has(String css) {
        return !all(css).isEmpty();
    }

    /** The text of the element, trimmed; read again if htmx replaced the element between finding and reading it. */
    String text(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                return find(css).getText().trim();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** An attribute of the first element matching {@code css} (null if none), read in one step in the page. */
    String attribute(String css, String name) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    /**
     * An attribute of every element matching {@code css}, read in one step in the page: a region htmx swaps every
     * second can be replaced between two reads of Selenium's, never within one script.
     */
    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String name) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
                css, name);
    }

    /**
     * The form fields a person can fill in (not hidden) that have no label: neither a {@code <label for>} nor an
     * enclosing one nor an {@code aria-label}; each named by its id or name.
     */
    @SuppressWarnings("unchecked")
    List<String> unlabelledFields() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('input, select, textarea'))"
                        + ".filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button')"
                        + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))"
                        + ".map(e => e.id || e.name || e.outerHTML.slice(0, 80));");
    }

    /** Whether the page, laid out {@code width} CSS pixels wide as on a phone, needs no sideways scrolling. */
    boolean fitsWidth(int width) {
        try {
            metrics(width, 800);
            return (Boolean) ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth;");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /**
     * Presses Tab until the element matching {@code css} has the focus, as a person without a mouse does; fails if
     * it is not reached within {@code maxTabs}.
     */
    WebElement tabTo(String css, int maxTabs) {
        WebElement target = find(css);
        // start from the top of the page, as after loading it
        ((JavascriptExecutor) driver).executeScript("if (document.activeElement) { document.activeElement.blur(); }");
        for (int i = 0; i < maxTabs; i++) {
            driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
            if (driver.switchTo().activeElement().equals(target)) {
                return target;
            }
        }
        throw new AssertionError("'" + css + "' is not reached by Tab within " + maxTabs + " presses on " + url());
    }

    /** Waits until the element is on the page; pages render on the server, htmx swaps parts of them in. */
    WebElement awaitShown(String css) {
        return await("'" + css + "' on " + driver.getCurrentUrl())
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> find(css), e -> e != null && e.isDisplayed());
    }

    String source() {
        return driver.getPageSource();
    }

    /**
     * Logs in on Keycloak's own login page (where the console has sent the browser) and waits until the browser is
     * back on the console.
     */
    void logIn(String username, String password) {
        await("Keycloak's login page (the browser is on " + driver.getCurrentUrl() + ")").atMost(Duration.ofSeconds(20))
                .ignoreExceptions().until(() -> find("#kc-login") != null);
        find("#username").clear();
        find("#username").sendKeys(username);
        find("#password").sendKeys(password);
        find("#kc-login").click();
        await(username + " back on the console").atMost(Duration.ofSeconds(20))
                .until(() -> driver.getCurrentUrl().startsWith(baseUrl) && !has("#kc-login"));
    }

    /**
     * Saves a screenshot of the whole page as {@code file}, {@code width} CSS pixels wide (device metrics as a phone's
     * below 600 px: the page's own viewport rules apply), as tall as the page.
     */
    void screenshot(Path file, int width) {
        try {
            metrics(width, 900);
            long height = ((Number) ((JavascriptExecutor) driver).executeScript(
                    "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
            metrics(width, (int) Math.min(Math.max(height, 600), 6000));
            byte[] png = driver.getScreenshotAs(OutputType.BYTES);
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private void metrics(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 600));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
