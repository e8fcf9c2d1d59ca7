package io.apimeter.recorder.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class UsageLogQueryTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    private static void publishAndWait(String customer, List<UsageEvent> events) {
        events.forEach(KAFKA::publish);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(TestTokens.admin())
                        .queryParam("customerId", customer).queryParam("limit", 500).get("/usage-logs").then()
                        .statusCode(200).body("items", hasSize(events.size())));
    }

    @Test
    void shouldFilterByProviderOutcomeModelAndTime() {
        String customer = SampleEvents.newCustomer();
        UsageEvent chat = SampleEvents.openAi(customer, Instant.parse("2026-10-01T00:00:00Z"), "0.01");
        UsageEvent speech = SampleEvents.elevenLabs(customer, Instant.parse("2026-10-02T00:00:00Z"));
        UsageEvent failedCall = SampleEvents.failedSmartflo(customer, Instant.parse("2026-10-03T00:00:00Z"));
        publishAndWait(customer, List.of(chat, speech, failedCall));

        given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).queryParam("provider", "elevenlabs").get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo(speech.eventId().toString()));
        given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).queryParam("outcome", "PROVIDER_ERROR").get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo(failedCall.eventId().toString()));
        // The model matches as sent and as priced.
        given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).queryParam("model", "gpt-4").get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo(chat.eventId().toString()));
        given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).queryParam("model", "gpt-4-0613").get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1));
        // from inclusive, to exclusive.
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", customer)
                .queryParam("from", "2026-10-02T00:00:00Z").queryParam("to", "2026-10-03T00:00:00Z")
                .get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1))
                .body("items[0].eventId", equalTo(speech.eventId().toString()));
        given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).queryParam("provider", "OPENAI").queryParam("outcome", "SUCCESS")
                .queryParam("from", "2026-10-02T00:00:00Z").get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(0)).body(containsString("\"nextCursor\":null"));
    }

    @Test
    void shouldPageNewestFirstWithAnOpaqueCursor() {
        String customer = SampleEvents.newCustomer();
        List<UsageEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2026-09-10T08:00:00Z");
        for (int i = 0; i < 5; i++) {
            events.add(SampleEvents.openAi(customer, start.plusSeconds(60L * i), "0.001"));
        }
        // Two calls in the same instant: the event id breaks the tie, and no page loses or repeats one.
        events.add(SampleEvents.openAi(customer, start.plusSeconds(60L * 4), "0.001"));
        publishAndWait(customer, events);

        List<String> seen = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth().oauth2(TestTokens.admin())
                    .queryParam("customerId", customer).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/usage-logs");
            page.then().statusCode(200);
            seen.addAll(page.jsonPath().getList("items.eventId"));
            page.jsonPath().getList("items.occurredAt", String.class).forEach(t -> times.add(Instant.parse(t)));
            cursor = page.jsonPath().getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(3, pages);
        assertEquals(6, seen.size());
        assertEquals(6, seen.stream().distinct().count());
        List<Instant> sorted = new ArrayList<>(times);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, times, "newest first");
        assertEquals(events.get(0).eventId().toString(), seen.get(5), "the oldest call comes last");
    }

    @Test
    void shouldExportTheSameQueryAsCsv() {
        String customer = SampleEvents.newCustomer();
        UsageEvent chat = SampleEvents.openAi(customer, Instant.parse("2026-08-01T10:00:00Z"), "0.0570");
        UsageEvent failedCall = SampleEvents.failedSmartflo(customer, Instant.parse("2026-08-01T11:00:00Z"));
        UsageEvent odd = new UsageEvent(java.util.UUID.randomUUID(), customer, "key, \"quoted\"", chat.provider(),
                chat.operation(), "model,with\"quote", "gpt-4", Instant.parse("2026-08-01T09:00:00Z"), 5, 200,
                chat.outcome(), chat.usage(), chat.cost());
        publishAndWait(customer, List.of(chat, failedCall, odd));

        Response csv = given().auth().oauth2(TestTokens.admin())
                .accept("text/csv").queryParam("customerId", customer).queryParam("limit", 2)
                .get("/usage-logs");
        csv.then().statusCode(200).contentType(startsWith("text/csv")).header("X-Next-Cursor", notNullValue());
        String[] lines = csv.asString().split("\r\n");
        assertEquals(3, lines.length, csv.asString());
        assertEquals("eventId,customerId,apiKeyId,provider,operation,model,pricedModel,occurredAt,latencyMs,"
                + "httpStatus,outcome,inputTokens,outputTokens,cachedInputTokens,reasoningTokens,characters,"
                + "callSeconds,estimated,costUsd,unpriced,priceId,priceVersion,recordedAt", lines[0]);
        assertEquals(failedCall.eventId() + "," + customer + ",key-" + customer
                + ",SMARTFLO,call,,,2026-08-01T11:00:00Z,30,502,PROVIDER_ERROR,0,0,0,0,0,0,false,,true,,,",
                lines[1].substring(0, lines[1].lastIndexOf(',') + 1));
        assertEquals(chat.eventId() + "," + customer + ",key-" + customer
                + ",OPENAI,chat.completions,gpt-4-0613,gpt-4,2026-08-01T10:00:00Z,412,200,SUCCESS,1200,350,100,20,0,0,"
                + "false,0.057,false,openai/gpt-4,1,", lines[2].substring(0, lines[2].lastIndexOf(',') + 1));

        String next = csv.getHeader("X-Next-Cursor");
        String last = given().auth().oauth2(TestTokens.admin())
                .queryParam("format", "csv").queryParam("customerId", customer)
                .queryParam("limit", 2).queryParam("cursor", next).get("/usage-logs").asString();
        String expected = odd.eventId() + "," + customer + ",\"key, \"\"quoted\"\"\",OPENAI,chat.completions,"
                + "\"model,with\"\"quote\",gpt-4,2026-08-01T09:00:00Z,";
        assertTrue(last.split("\r\n")[1].startsWith(expected), last);

        // JSON stays the default.
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", customer).get("/usage-logs").then()
                .statusCode(200).contentType(ContentType.JSON).body("items", hasSize(3));
    }

    @Test
    void shouldRejectBadParametersWithJsonNamingTheParameter() {
        assertBadRequest("provider", "OPENAIX", "invalid_provider");
        assertBadRequest("outcome", "DONE", "invalid_outcome");
        assertBadRequest("from", "yesterday", "invalid_from");
        assertBadRequest("to", "2026-13-01", "invalid_to");
        assertBadRequest("limit", "0", "invalid_limit");
        assertBadRequest("limit", "501", "invalid_limit");
        assertBadRequest("limit", "ten", "invalid_limit");
        assertBadRequest("cursor", "bm90LWEtY3Vyc29y", "invalid_cursor");
        assertBadRequest("cursor", "!!!", "invalid_cursor");
        assertBadRequest("customerId", "a b", "invalid_customerId");
        assertBadRequest("model", "m".repeat(201), "invalid_model");
        assertBadRequest("format", "xml", "invalid_format");
        given().auth().oauth2(TestTokens.admin())
                .queryParam("from", "2026-11-02T00:00:00Z").queryParam("to", "2026-11-01T00:00:00Z")
                .get("/usage-logs").then().statusCode(400).body("code", equalTo("invalid_to"));
    }

    private static void assertBadRequest(String parameter, String value, String code) {
        given().auth().oauth2(TestTokens.admin()).queryParam(parameter, value).get("/usage-logs").then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("code", equalTo(code))
                .body("message", containsString(parameter));
    }
}
