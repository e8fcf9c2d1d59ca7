package io.apimeter.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.apimeter.testkit.EmbeddedKafka;
import io.apimeter.testkit.FreePorts;
import io.apimeter.testkit.SharedInfrastructure;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (headless chromium): people log in on a real Keycloak's own login page, and the
 * console calls the five packaged services, running as processes against a real Kafka broker, PostgreSQL and SMTP
 * server, with their tokens. Only the AI provider is simulated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ACME = "acme";
    private static final String DEMO = "demo";
    private static final String MONTH = YearMonth.now(ZoneOffset.UTC).toString();
    private static final List<String> NAV = List.of("nav-calls", "nav-summaries", "nav-customers", "nav-quotas",
            "nav-alerts", "nav-prices", "nav-logout");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.");
    /** The demo customer's id where a page would show it: an attribute, a cell, a link, a query. */
    private static final Pattern DEMO_ID = Pattern.compile("[\"'>/=]" + DEMO + "([\"'<&/?]|$)");

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, String> apiKeys = new LinkedHashMap<>();
    private final List<Browser> browsers = new ArrayList<>();
    private Path root;
    private Path logs;
    private KeycloakServer keycloak;
    private ServiceProcess console;
    private ProviderSimulator simulator;
    private GreenMail smtp;
    private EmbeddedKafka kafka;
    private Path kafkaDir;
    private Browser adminBrowser;

    @BeforeAll
    void startPlatform() {
        root = ServiceEnvironment.root();
        logs = root.resolve("e2e-tests/target/e2e-logs/console");
        int consolePort = FreePorts.next();
        keycloak = KeycloakServer.start(root, consolePort, logs);

        // a broker of its own: the shared one still carries other tests' calls, which must not reach these pages
        kafkaDir = root.resolve("e2e-tests/target/console-kafka-" + UUID.randomUUID());
        kafka = EmbeddedKafka.start(kafkaDir, FreePorts.next(), FreePorts.next());
        simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        smtp = ServiceEnvironment.startSmtp();
        var db = SharedInfrastructure.get().postgres();
        Map<String, String> common = ServiceEnvironment.common(kafka.bootstrapServers(), keycloak.realmUrl());
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        environments.put("gateway-service", ServiceEnvironment.gateway(common, db.recreateDatabase("console_gateway"),
                simulator.openAiBaseUrl(), root.resolve("e2e-tests/target/gateway-spool-" + UUID.randomUUID())));
        environments.put("usage-recorder-service", ServiceEnvironment.service(common, db.recreateDatabase("console_recorder")));
        environments.put("aggregation-service", ServiceEnvironment.service(common, db.recreateDatabase("console_aggregation")));
        environments.put("quota-service", ServiceEnvironment.service(common, db.recreateDatabase("console_quota")));
        environments.put("alert-service", ServiceEnvironment.alert(common, db.recreateDatabase("console_alert"),
                smtp.getSmtp().getPort(), "ops@apimeter.test"));
        environments.forEach((name, env) -> services.put(name, new ServiceProcess(root, name, FreePorts.next(), env, logs)));
        Map<String, String> urls = new LinkedHashMap<>();
        services.forEach((name, service) -> urls.put(name, service.url()));
        console = new ServiceProcess(root, "console-service", consolePort,
                ServiceEnvironment.console(keycloak.realmUrl(), urls), logs);

        // the services read the realm's discovery document when they start
        keycloak.awaitReady(Duration.ofMinutes(3));
        services.values().forEach(ServiceProcess::start);
        console.start();
        services.values().forEach(s -> s.awaitReady(Duration.ofMinutes(3)));
        console.awaitReady(Duration.ofMinutes(2));
        seedTwoCustomers();
    }

    @AfterAll
    void stopPlatform() {
        browsers.forEach(Browser::close);
        if (console != null) {
            console.stop();
        }
        services.values().forEach(ServiceProcess::stop);
        if (keycloak != null) {
            keycloak.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        ServiceEnvironment.deleteQuietly(kafkaDir);
    }

    @Test
    @Order(1)
    void shouldLogPeopleInThroughKeycloaksOwnLoginPage() {
        Browser admin = browser("login-admin");
        admin.open("/");
        assertTrue(admin.url().startsWith(keycloak.url()), "the console sends a stranger to Keycloak: " + admin.url());
        admin.logIn("admin", "admin");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("/admin/calls", admin.path()));
        NAV.forEach(id -> assertTrue(admin.find("#" + id).isDisplayed(), id + " in the admin's navigation"));

        Browser acme = browser("login-acme");
        acme.open("/");
        acme.logIn(ACME, ACME);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("/dashboard", acme.path()));

        // logging out ends the Keycloak session too and comes back to the console (post-logout redirect URIs)
        acme.find("#nav-logout").click();
        await("logged out, back at the login page").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            acme.open("/");
            assertTrue(acme.has("#kc-login"), "a new visit must log in again: " + acme.url());
        });
    }

    @Test
    @Order(2)
    void shouldShowACustomerItsOwnFiguresLiveAndRefuseItAnAdminPage() throws Exception {
        String token = passwordToken(ACME, ACME);
        Browser acme = browser("acme");
        acme.open("/");
        acme.logIn(ACME, ACME);
        acme.open("/dashboard");

        // the limit bars and the month's cost are what quota-service says, to the cent
        JsonPath status = as(token).get(url("quota-service") + "/quotas/{c}/status", ACME)
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> limited = status.<Map<String, Object>>getList("dimensions").stream()
                .filter(d -> d.get("limit") != null).toList();
        assertFalse(limited.isEmpty(), "acme has limits");
        // (the bars are in the region htmx replaces every second: each attribute is read in one step)
        for (Map<String, Object> dimension : limited) {
            String bar = ".limit-bar[data-dimension='" + dimension.get("dimension") + "']";
            String percent = acme.attribute(bar, "data-percent");
            assertEquals(0, new BigDecimal(String.valueOf(dimension.get("percent"))).compareTo(new BigDecimal(percent)),
                    "percent of " + dimension.get("dimension") + ": page " + percent + ", quota-service "
                            + dimension.get("percent"));
            String state = String.valueOf(dimension.get("state")).toLowerCase();
            String classes = acme.attribute(bar, "class");
            assertTrue(classes.contains(state), "the bar of " + dimension.get("dimension") + " is " + state
                    + ": class '" + classes + "'");
        }
        assertTrue(acme.attribute(".limit-bar[data-dimension='OPENAI_TOKENS']", "class").contains("warning"),
                "acme used 80% of its tokens");
        String cost = dollars(status.getString("costUsd"));
        assertEquals(cost, acme.text("#month-cost"), "the month's cost");
        assertTrue(acme.text("#status-sentence").contains(cost), "the status sentence names the cost: "
                + acme.text("#status-sentence"));
        assertFalse(acme.text("#active-warnings").isEmpty(), "acme's active warning is shown");

        // its history: this month's row is the status API's calls and cost
        WebElement month = acme.find("table#history tr.month[data-month='" + MONTH + "']");
        assertEquals(status.getLong("calls"), number(month.findElement(By.cssSelector("td[data-col=calls]")).getText()),
                "calls of " + MONTH);
        assertEquals(cost, month.findElement(By.cssSelector("td[data-col=cost]")).getText().trim(), "cost of " + MONTH);
        assertTrue(acme.has("canvas#history-chart"), "the history chart");
        assertTrue(acme.has("a#download-csv"), "the CSV download");

        // the recent calls are acme's own
        Set<String> acmeEvents = eventIds(ACME);
        Set<String> shown = new HashSet<>(acme.attributes("table#recent-calls tr.call", "data-event-id"));
        assertFalse(shown.isEmpty(), "acme's recent calls are listed");
        assertTrue(acmeEvents.containsAll(shown), "only acme's calls: " + shown + " of " + acmeEvents);
        acme.screenshot(shot("console-dashboard.png"), Browser.DESKTOP_WIDTH);
        acme.screenshot(shot("console-dashboard-phone.png"), Browser.PHONE_WIDTH);

        // a new call appears without reloading, within 2 s of its answer
        String before = acme.url();
        call(apiKeys.get(ACME), "gpt-3.5-turbo", 1_000, 500, 200);
        long answered = System.nanoTime();
        String newEvent = await("acme's new call on its dashboard").atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> acme.attributes("table#recent-calls tr.call", "data-event-id").stream()
                        .filter(id -> !shown.contains(id)).findFirst().orElse(null), id -> id != null);
        long tookMs = (System.nanoTime() - answered) / 1_000_000;
        assertEquals(before, acme.url(), "the page was not reloaded");
        await().atMost(PATIENCE).untilAsserted(() -> assertTrue(eventIds(ACME).contains(newEvent),
                "the new row is acme's new call " + newEvent + " (" + tookMs + " ms after its answer)"));

        // an admin page: 403
        acme.open("/admin/calls");
        assertTrue(acme.find("h1#forbidden").isDisplayed(), "acme is refused /admin/calls");
    }

    @Test
    @Order(3)
    void shouldNeverShowACustomerAnotherCustomersData() throws Exception {
        Set<String> demoEvents = eventIds(DEMO);
        assertFalse(demoEvents.isEmpty(), "demo made calls: the check would prove nothing");
        String someDemoEvent = demoEvents.iterator().next();
        Set<String> acmeEvents = eventIds(ACME);
        Browser acme = browser("acme-isolation");
        acme.open("/");
        acme.logIn(ACME, ACME);

        List<String> pages = new ArrayList<>(List.of("/", "/dashboard", "/admin/calls", "/admin/calls?customerId=" + DEMO,
                "/admin/calls/" + someDemoEvent, "/admin/summaries", "/admin/customers", "/admin/customers/" + DEMO,
                "/admin/quotas", "/admin/quotas/" + DEMO, "/admin/alerts", "/admin/prices",
                "/admin/calls/" + acmeEvents.iterator().next()));
        for (String page : pages) {
            acme.open(page);
            assertNoneOf(DEMO, demoEvents, acme.source(), "acme's page " + page);
        }
        acme.open("/dashboard");
        String csv = fetchWithSession(acme, acme.find("a#download-csv").getAttribute("href"));
        assertTrue(acmeEvents.stream().anyMatch(csv::contains), "acme's CSV holds acme's calls");
        assertNoneOf(DEMO, demoEvents, csv, "acme's CSV");
    }

    @Test
    @Order(4)
    void shouldLetAnAdminFilterTheCallLogToErrors() {
        String adminToken = automationToken();
        Browser admin = admin();
        admin.open("/admin/calls");
        long active = activeAlerts(adminToken);
        await("active alerts in the navigation").atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .untilAsserted(() -> assertEquals(active, number(admin.text("#active-alerts"))));

        // calls: every call, then errors only
        Set<String> all = new HashSet<>(eventIds(ACME));
        all.addAll(eventIds(DEMO));
        Set<String> rows = admin.all("table#calls tr.call").stream().map(r -> r.getAttribute("data-event-id"))
                .collect(Collectors.toSet());
        assertEquals(all, rows, "the calls of both customers");
        admin.screenshot(shot("console-calls.png"), Browser.DESKTOP_WIDTH);
        new Select(admin.find("#calls-filter select[name=outcome]")).selectByValue("ERRORS");
        admin.find("#apply-filter").click();
        Set<String> errors = errorIds(adminToken);
        await("only the failed calls").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            List<WebElement> failed = admin.all("table#calls tr.call");
            assertEquals(errors, failed.stream().map(r -> r.getAttribute("data-event-id")).collect(Collectors.toSet()));
            failed.forEach(r -> {
                assertTrue(r.getAttribute("class").contains("error"), "an error row is marked");
                assertFalse("SUCCESS".equals(r.getAttribute("data-outcome")));
            });
        });
        String failedCall = errors.iterator().next();
        admin.open("/admin/calls/" + failedCall);
        assertTrue(admin.text("#call-detail").contains(failedCall), "the call's detail");

    }

    @Test
    @Order(5)
    void shouldLetAnAdminSortTheMonthsSummaries() {
        String adminToken = automationToken();
        Browser admin = admin();
        admin.open("/admin/calls");
        admin.find("#nav-summaries").click();
        admin.awaitShown("table#summaries");
        assertEquals(Set.of(ACME, DEMO), admin.all("tr.customer-row").stream()
                .map(r -> r.getAttribute("data-customer-id")).collect(Collectors.toSet()));
        JsonPath month = as(adminToken).get(url("aggregation-service") + "/summaries?month={m}", MONTH)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(dollars(month.getString("items.find { it.customerId == 'acme' }.costUsd")),
                admin.text("tr.customer-row[data-customer-id=acme] td[data-col=cost]"), "acme's cost in the summaries");
        assertTrue(admin.find("#platform-totals").isDisplayed());
        assertTrue(admin.has("canvas#platform-cost-chart"));
        admin.screenshot(shot("console-summaries.png"), Browser.DESKTOP_WIDTH);
        for (String column : List.of("cost", "customer", "calls")) {
            admin.find("th a[data-sort=" + column + "]").click();
            await("sorted by " + column).atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                assertTrue(admin.url().contains(column), admin.url());
                List<String> cells = admin.all("tr.customer-row td[data-col=" + column + "]").stream()
                        .map(e -> e.getText().trim()).toList();
                assertSorted(cells, column.equals("customer"));
            });
        }

    }

    @Test
    @Order(6)
    void shouldLetAnAdminIssueAndRevokeAnApiKey() {
        Browser admin = admin();
        admin.open("/admin/calls");
        admin.find("#nav-customers").click();
        admin.awaitShown("table#customers");
        assertEquals(Set.of(ACME, DEMO), admin.all("tr.customer").stream()
                .map(r -> r.getAttribute("data-customer-id")).collect(Collectors.toSet()));
        admin.all("tr.customer td[data-col=status]").forEach(c -> assertFalse(c.getText().isBlank(), "a status"));
        admin.screenshot(shot("console-customers.png"), Browser.DESKTOP_WIDTH);
        admin.open("/admin/customers/" + ACME);
        Set<String> keysBefore = keyIds(admin);
        admin.find("#issue-key button, #issue-key input[type=submit]").click();
        String newKey = admin.awaitShown("#new-api-key").getAttribute("value");
        assertTrue(newKey.startsWith("amk_"), "a platform key is shown once");
        assertTrue(admin.has("button#copy-key"));
        call(newKey, "gpt-3.5-turbo", 10, 10, 200);
        String newKeyId = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> keyIds(admin).stream().filter(id -> !keysBefore.contains(id)).findFirst().orElse(null),
                        id -> id != null);
        admin.find("tr.api-key[data-key-id='" + newKeyId + "'] button.revoke-key").click();
        acceptConfirmation(admin);
        await("the key refused").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().contentType(ContentType.JSON).header("Authorization", "Bearer " + newKey)
                        .body("{\"model\":\"gpt-3.5-turbo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post(url("gateway-service") + "/openai/v1/chat/completions").then().statusCode(401));
        await("the key shown revoked").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            WebElement row = admin.find("tr.api-key[data-key-id='" + newKeyId + "']");
            assertTrue(row.getText().toLowerCase().contains("revoked"), row.getText());
        });

    }

    @Test
    @Order(7)
    void shouldLetAnAdminEditAQuota() {
        String adminToken = automationToken();
        Browser admin = admin();
        admin.open("/admin/calls");
        admin.find("#nav-quotas").click();
        admin.awaitShown("table#quotas");
        admin.screenshot(shot("console-quotas.png"), Browser.DESKTOP_WIDTH);
        admin.open("/admin/quotas/" + ACME);
        WebElement limit = admin.find("#quota-form input[name=totalCostUsd]");
        limit.clear();
        limit.sendKeys("-5");
        admin.find("#save-quota").click();
        assertTrue(admin.awaitShown(".field-error[data-field=totalCostUsd]").getText().length() > 0, "the field's error");
        limit = admin.find("#quota-form input[name=totalCostUsd]");
        limit.clear();
        limit.sendKeys("150");
        admin.find("#save-quota").click();
        admin.awaitShown("#flash");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(0, new BigDecimal("150").compareTo(
                new BigDecimal(as(adminToken).get(url("quota-service") + "/quotas/{c}", ACME).then().statusCode(200)
                        .extract().jsonPath().getString("totalCostUsd")))));
        admin.open("/admin/quotas");
        String acmeRow = admin.all("table#quotas tr").stream().map(WebElement::getText)
                .filter(t -> t.contains(ACME)).findFirst().orElse("");
        assertTrue(acmeRow.contains("150"), "acme's new cost limit in the list: " + acmeRow);

    }

    @Test
    @Order(8)
    void shouldLetAnAdminMarkAnAlertSeenThenResolved() {
        String adminToken = automationToken();
        Browser admin = admin();
        admin.open("/admin/calls");
        String warning = as(adminToken).get(url("alert-service") + "/alerts?customerId={c}&status=ACTIVE", ACME)
                .then().statusCode(200).extract().jsonPath().getString("items.find { it.type == 'WARNING' }.id");
        admin.find("#nav-alerts").click();
        admin.awaitShown("table#alerts");
        admin.screenshot(shot("console-alerts.png"), Browser.DESKTOP_WIDTH);
        long activeBefore = await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> number(admin.text("#active-alerts")), n -> n > 0);
        String row = "tr.alert[data-alert-id='" + warning + "']";
        assertEquals("ACTIVE", admin.find(row).getAttribute("data-status"));
        admin.find(row + " button.mark-seen").click();
        acceptConfirmation(admin);
        await("seen").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertEquals("SEEN", admin.find(row).getAttribute("data-status"));
            assertTrue(admin.find(row + " td[data-col=handled]").getText().contains("admin"));
        });
        admin.open("/admin/alerts");
        await("one active alert fewer").atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .untilAsserted(() -> assertEquals(activeBefore - 1, number(admin.text("#active-alerts"))));
        admin.find(row + " button.resolve").click();
        acceptConfirmation(admin);
        await("resolved").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertEquals("RESOLVED", admin.find(row).getAttribute("data-status")));
        JsonPath resolved = as(adminToken).get(url("alert-service") + "/alerts/{id}", warning).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("RESOLVED", resolved.getString("status"));
        assertEquals("admin", resolved.getString("resolvedBy"));

    }

    @Test
    @Order(9)
    void shouldShowAnAdminThePricesAndThePlatformBudget() {
        Browser admin = admin();
        admin.open("/admin/calls");
        admin.find("#nav-prices").click();
        admin.awaitShown("#prices");
        assertTrue(admin.text("#prices").contains("gpt-4"), "the price list");
        assertTrue(admin.has("form#add-price") && admin.has("form#platform-budget"));
        assertTrue(admin.text("#platform-cost").contains("$"), "the platform's cost");
        admin.screenshot(shot("console-prices.png"), Browser.DESKTOP_WIDTH);
    }

    @Test
    @Order(10)
    void shouldBeUsableWithLabelsKeyboardAndPhoneAndShowNoToken() {
        Browser admin = admin();
        Browser acme = browser("acme-usability");
        acme.open("/");
        acme.logIn(ACME, ACME);
        Map<Browser, List<String>> pages = new LinkedHashMap<>();
        pages.put(admin, List.of("/admin/calls", "/admin/summaries", "/admin/customers", "/admin/customers/" + ACME,
                "/admin/quotas", "/admin/quotas/" + ACME, "/admin/alerts", "/admin/prices"));
        pages.put(acme, List.of("/dashboard"));
        pages.forEach((browser, paths) -> paths.forEach(path -> {
            browser.open(path);
            browser.awaitShown("main");
            assertEquals(List.of(), browser.unlabelledFields(), "fields without a label on " + path);
            assertTrue(browser.fitsWidth(Browser.PHONE_WIDTH), path + " scrolls sideways at " + Browser.PHONE_WIDTH + " px");
            // no token (a JWT: base64url of a JSON header, a dot, of a JSON payload) and no client secret
            String html = browser.source();
            assertFalse(JWT.matcher(html).find(), "a token in the HTML of " + path);
            assertFalse(html.contains("apimeter-console-local-secret"), "the client secret in the HTML of " + path);
        }));

        // the call log filtered to errors with the keyboard alone: Tab to the outcome, type the choice, Tab on, Enter
        admin.open("/admin/calls");
        WebElement outcome = admin.tabTo("#calls-filter select[name=outcome]", 40);
        outcome.sendKeys("errors only");
        assertEquals("ERRORS", outcome.getAttribute("value"), "the outcome chosen by typing");
        admin.tabTo("#apply-filter", 40).sendKeys(org.openqa.selenium.Keys.ENTER);
        await("the filtered log").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertTrue(admin.url().contains("outcome=ERRORS"), admin.url());
            List<String> outcomes = admin.attributes("table#calls tr.call", "data-outcome");
            assertFalse(outcomes.isEmpty(), "the failed calls are listed");
            assertFalse(outcomes.contains("SUCCESS"), "errors only: " + outcomes);
        });
    }

    @Test
    @Order(11)
    void shouldWorkWithJavaScriptSwitchedOff() {
        Browser admin = new Browser(console.url(), logs, "admin-no-javascript", false);
        browsers.add(admin);
        admin.open("/");
        admin.logIn("admin", "admin");
        assertFalse(javascriptRuns(admin), "the browser runs no script");
        assertTrue(javascriptRuns(admin()), "while a browser with scripts on runs htmx (so the check can tell)");
        // the filter is a plain form: choosing errors only and applying it loads the filtered page
        admin.open("/admin/calls");
        new Select(admin.find("#calls-filter select[name=outcome]")).selectByValue("ERRORS");
        admin.find("#apply-filter").click();
        await("the filtered log").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertTrue(admin.url().contains("outcome=ERRORS"), admin.url());
            assertEquals(errorIds(automationToken()), admin.all("table#calls tr.call").stream()
                    .map(r -> r.getAttribute("data-event-id")).collect(Collectors.toSet()));
        });

        Browser acme = new Browser(console.url(), logs, "acme-no-javascript", false);
        browsers.add(acme);
        acme.open("/");
        acme.logIn(ACME, ACME);
        acme.open("/dashboard");
        assertFalse(acme.all(".limit-bar").isEmpty(), "the limit bars are on the page as it comes from the server");
        assertFalse(acme.all("table#recent-calls tr.call").isEmpty(), "so are the recent calls");
        assertFalse(acme.all("table#history tr.month").isEmpty(), "and the history table");
    }

    /**
     * Whether the page's scripts ran: htmx, when it starts, adds its indicator styles ({@code .htmx-indicator}) to the
     * page's head; with scripts off the page stays as the server sent it.
     */
    private static boolean javascriptRuns(Browser browser) {
        browser.open("/admin/calls");
        browser.awaitShown("main");
        return browser.source().contains(".htmx-indicator");
    }

    // ---- test data: two customers, their calls, their alerts ------------------------------------------------

    private void seedTwoCustomers() {
        String adminToken = automationToken();
        onboard(adminToken, ACME, "Acme Corp", "ops@acme.test", Map.of("openaiTokens", 1_000_000, "totalCostUsd", "100"));
        onboard(adminToken, DEMO, "Demo Customer", "demo@apimeter.local", Map.of("openaiTokens", 1_000_000, "totalCostUsd", "100"));
        // acme: two gpt-4 calls ($6 each), a provider error, then gpt-3.5-turbo to 80% of its tokens (a WARNING)
        call(apiKeys.get(ACME), "gpt-4", 100_000, 50_000, 200);
        call(apiKeys.get(ACME), "gpt-4", 100_000, 50_000, 200);
        call(apiKeys.get(ACME), "gpt-4", 0, 0, 500);
        call(apiKeys.get(ACME), "gpt-3.5-turbo", 400_000, 100_000, 200);
        // demo: $1.20 and an error; then its cost limit lowered below that (an EXCEEDED)
        call(apiKeys.get(DEMO), "gpt-4", 10_000, 5_000, 200);
        call(apiKeys.get(DEMO), "gpt-4", 10_000, 5_000, 200);
        call(apiKeys.get(DEMO), "gpt-4", 0, 0, 500);
        await("the calls counted").atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            assertEquals(4, eventIds(ACME).size());
            assertEquals(3, eventIds(DEMO).size());
            assertEquals("800000", used(adminToken, ACME, "OPENAI_TOKENS"));
            assertEquals(0, new BigDecimal("1.2").compareTo(new BigDecimal(used(adminToken, DEMO, "TOTAL_COST_USD"))));
        });
        as(adminToken).contentType(ContentType.JSON).body(Map.of("openaiTokens", 1_000_000, "totalCostUsd", "1"))
                .put(url("quota-service") + "/quotas/{c}", DEMO).then().statusCode(200);
        await("the alerts raised").atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            List<String> types = as(adminToken).get(url("alert-service") + "/alerts?status=ACTIVE").then().statusCode(200)
                    .extract().jsonPath().getList("items.findAll { true }.collect { it.customerId + ':' + it.type }");
            assertTrue(types.contains("acme:WARNING") && types.contains("demo:EXCEEDED"), types.toString());
        });
        await("the summaries").atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertEquals(2, as(adminToken).get(url("aggregation-service") + "/summaries?month={m}", MONTH)
                        .then().statusCode(200).extract().jsonPath().getList("items").size()));
    }

    private void onboard(String adminToken, String id, String name, String email, Map<String, Object> quota) {
        String gateway = url("gateway-service");
        as(adminToken).contentType(ContentType.JSON).body(Map.of("id", id, "name", name, "email", email))
                .post(gateway + "/admin/customers").then().statusCode(201);
        apiKeys.put(id, as(adminToken).contentType(ContentType.JSON).body(Map.of("name", "e2e"))
                .post(gateway + "/admin/customers/{id}/api-keys", id).then().statusCode(201).extract().path("key"));
        as(adminToken).contentType(ContentType.JSON).body(Map.of("apiKey", "sk-" + id + "-simulated-openai-key"))
                .put(gateway + "/admin/customers/{id}/credentials/openai", id).then().statusCode(200);
        as(adminToken).contentType(ContentType.JSON).body(quota).put(url("quota-service") + "/quotas/{id}", id)
                .then().statusCode(200);
    }

    private void call(String apiKey, String model, long prompt, long completion, int status) {
        var request = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + apiKey)
                .header("x-sim-prompt-tokens", prompt).header("x-sim-completion-tokens", completion);
        if (status != 200) {
            request.header("x-sim-status", status);
        }
        request.body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(url("gateway-service") + "/openai/v1/chat/completions").then().statusCode(status);
    }

    // ---- the services' own answers, for comparison -------------------------------------------------------------

    private Set<String> eventIds(String customer) {
        return new HashSet<>(as(automationToken()).get(url("usage-recorder-service")
                        + "/usage-logs?customerId={c}&limit=500", customer)
                .then().statusCode(200).extract().jsonPath().getList("items.eventId", String.class));
    }

    private Set<String> errorIds(String adminToken) {
        List<Map<String, Object>> items = as(adminToken).get(url("usage-recorder-service") + "/usage-logs?limit=500")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(i -> !"SUCCESS".equals(i.get("outcome"))).map(i -> (String) i.get("eventId"))
                .collect(Collectors.toSet());
    }

    private long activeAlerts(String adminToken) {
        return as(adminToken).get(url("alert-service") + "/alerts?status=ACTIVE&limit=500").then().statusCode(200)
                .extract().jsonPath().getList("items").size();
    }

    private String used(String token, String customer, String dimension) {
        return new BigDecimal(as(token).get(url("quota-service") + "/quotas/{c}/status", customer).then().statusCode(200)
                .extract().jsonPath().getString("dimensions.find { it.dimension == '" + dimension + "' }.used"))
                .stripTrailingZeros().toPlainString();
    }

    private RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /** An admin token without a person: client credentials of apimeter-automation (secret in the realm file). */
    private String automationToken() {
        return given().formParam("grant_type", "client_credentials").formParam("client_id", "apimeter-automation")
                .formParam("client_secret", "apimeter-automation-local-secret").post(keycloak.tokenUrl())
                .then().statusCode(200).extract().path("access_token");
    }

    /** A person's own token: password grant of the public client apimeter-cli. */
    private String passwordToken(String username, String password) {
        return given().formParam("grant_type", "password").formParam("client_id", "apimeter-cli")
                .formParam("username", username).formParam("password", password).post(keycloak.tokenUrl())
                .then().statusCode(200).extract().path("access_token");
    }

    private String url(String service) {
        return services.get(service).url();
    }

    // ---- what a page shows ---------------------------------------------------------------------------------

    /** The admin's browser, logged in once for the admin pages' tests. */
    private Browser admin() {
        if (adminBrowser == null) {
            adminBrowser = browser("admin");
            adminBrowser.open("/");
            adminBrowser.logIn("admin", "admin");
        }
        return adminBrowser;
    }

    private Browser browser(String name) {
        Browser browser = new Browser(console.url(), logs, name);
        browsers.add(browser);
        return browser;
    }

    private static Set<String> keyIds(Browser browser) {
        return browser.all("table#api-keys tr.api-key").stream().map(r -> r.getAttribute("data-key-id"))
                .collect(Collectors.toSet());
    }

    /** Accepts a "really?" dialog if the page asks one. */
    private static void acceptConfirmation(Browser browser) {
        try {
            browser.driver().switchTo().alert().accept();
        } catch (NoAlertPresentException e) {
            // the page asked nothing
        }
    }

    private static void assertNoneOf(String customer, Set<String> eventIds, String text, String where) {
        for (String id : eventIds) {
            assertFalse(text.contains(id), where + " shows the event " + id + " of " + customer);
        }
        assertFalse(DEMO_ID.matcher(text).find(), where + " shows the customer id " + customer);
        assertFalse(text.contains("Demo Customer") || text.contains("demo@apimeter.local"), where + " shows " + customer);
    }

    /** The body of a link, fetched with the browser's session cookies (a download the browser would save). */
    private static String fetchWithSession(Browser browser, String href) throws Exception {
        String cookies = browser.driver().manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", cookies).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), "GET " + href);
        return answer.body();
    }

    private static void assertSorted(List<String> cells, boolean text) {
        Comparator<String> order = text ? Comparator.naturalOrder()
                : Comparator.comparing(s -> new BigDecimal(s.replaceAll("[^0-9.\\-]", "")));
        List<String> ascending = cells.stream().sorted(order).toList();
        List<String> descending = cells.stream().sorted(order.reversed()).toList();
        assertTrue(cells.equals(ascending) || cells.equals(descending), "sorted: " + cells);
    }

    /**
     * Where a screenshot goes: {@code target/e2e-logs/console/screenshots}, so that a test run leaves the working tree
     * as it was; with {@code -Dapimeter.screenshots=docs}, {@code docs/images}, the README's pictures.
     */
    private Path shot(String file) {
        return "docs".equals(System.getProperty("apimeter.screenshots"))
                ? root.resolve("docs/images").resolve(file) : logs.resolve("screenshots").resolve(file);
    }

    /** "$12.35": the way the console shows money, to the cent. */
    private static String dollars(String amount) {
        return "$" + new BigDecimal(amount).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static long number(String text) {
        return Long.parseLong(text.replaceAll("[^0-9]", ""));
    }
}
