package io.apimeter.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Common stubs and helpers of the console's tests. */
public final class Stubs {

    private Stubs() {
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    public static void stub(MappingBuilder mapping) {
        ServicesStub.server.stubFor(mapping);
    }

    public static void reset() {
        ServicesStub.server.resetAll();
        // the ACTIVE alert count in the admin navigation
        stub(get(urlPathEqualTo("/alerts")).willReturn(json(200, "{\"items\": []}")));
    }

    public static void activeAlerts(int n) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < n; i++) {
            items.append(i == 0 ? "" : ",").append(alert("00000000-0000-0000-0000-00000000000" + i, "ACTIVE"));
        }
        stub(get(urlPathEqualTo("/alerts")).willReturn(json(200, "{\"items\": [" + items + "]}")));
    }

    public static String alert(String id, String status) {
        return "{\"id\": \"" + id + "\", \"type\": \"WARNING\", \"customerId\": \"acme\", \"dimension\": \"OPENAI_TOKENS\","
                + " \"month\": \"2026-11\", \"thresholdPercent\": 80, \"used\": \"805000\", \"limit\": \"1000000\","
                + " \"message\": \"acme has used 80.5% of its monthly OpenAI token limit\", \"status\": \"" + status + "\","
                + " \"occurredAt\": \"2026-11-20T10:15:30Z\", \"createdAt\": \"2026-11-20T10:15:30.412Z\","
                + " \"seenAt\": " + ("SEEN".equals(status) ? "\"2026-11-20T11:00:00Z\"" : "null") + ","
                + " \"seenBy\": " + ("SEEN".equals(status) ? "\"admin\"" : "null") + ","
                + " \"resolvedAt\": null, \"resolvedBy\": null, \"notifications\": []}";
    }

    public static String call(String eventId, String customerId, String outcome, String occurredAt, String cost) {
        return "{\"eventId\": \"" + eventId + "\", \"customerId\": \"" + customerId + "\", \"apiKeyId\": \"key-1\","
                + " \"provider\": \"OPENAI\", \"operation\": \"chat.completions\", \"model\": \"gpt-4-0613\","
                + " \"pricedModel\": \"gpt-4\", \"occurredAt\": \"" + occurredAt + "\", \"latencyMs\": 412,"
                + " \"httpStatus\": " + ("SUCCESS".equals(outcome) ? 200 : 500) + ", \"outcome\": \"" + outcome + "\","
                + " \"inputTokens\": 1200, \"outputTokens\": 350, \"cachedInputTokens\": 100, \"reasoningTokens\": 0,"
                + " \"characters\": 0, \"callSeconds\": 0, \"estimated\": false, \"costUsd\": \"" + cost + "\","
                + " \"unpriced\": false, \"priceId\": \"openai/gpt-4\", \"priceVersion\": 1,"
                + " \"recordedAt\": \"2026-11-03T10:15:30.571Z\"}";
    }

    public static void assertContains(String html, String... parts) {
        for (String part : parts) {
            if (!html.contains(part)) {
                throw new AssertionError("expected the page to contain <" + part + ">, page was:\n" + html);
            }
        }
    }

    public static void assertLacks(String html, String... parts) {
        for (String part : parts) {
            if (html.contains(part)) {
                throw new AssertionError("expected the page not to contain <" + part + ">, page was:\n" + html);
            }
        }
    }

    public static MappingBuilder anyGet(String regex) {
        return get(urlPathMatching(regex));
    }

    /** A form page's CSRF token and cookie, to post the form as a browser would. */
    public record Csrf(String cookie, String token) {
    }

    public static Csrf csrf(String pagePath) {
        Response page = RestAssured.given().redirects().follow(false).get(pagePath);
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page.asString());
        if (!m.find()) {
            throw new AssertionError("no CSRF field on " + pagePath + ": " + page.asString());
        }
        return new Csrf(page.getCookie("csrf-token"), m.group(1));
    }
}
