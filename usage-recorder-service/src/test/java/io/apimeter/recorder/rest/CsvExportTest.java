package io.apimeter.recorder.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.Cost;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.SampleEvents;
import io.apimeter.testkit.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import io.apimeter.recorder.service.UsageLogWriter;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV export cannot carry a formula into a spreadsheet; the JSON keeps every value as recorded. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "recorder"))
class CsvExportTest {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    @Test
    void shouldNeutraliseFormulaTextAndKeepNumbersInTheCsvExport() {
        String customer = SampleEvents.newCustomer();
        UsageEvent chat = SampleEvents.openAi(customer, Instant.parse("2026-07-01T10:00:00Z"), "0.0000005");
        UsageEvent hostile = new UsageEvent(UUID.randomUUID(), customer, "@key", chat.provider(), "-op",
                "=HYPERLINK(\"http://x.example\",\"see\")", "+gpt", chat.occurredAt(), 5, 200, chat.outcome(),
                chat.usage(), Cost.of(new BigDecimal("0.0000005"), "=price", 1));
        KAFKA.publish(hostile);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.admin())
                .queryParam("customerId", customer).get("/usage-logs").then()
                .statusCode(200).body("items", hasSize(1))
                .body("items[0].model", equalTo("=HYPERLINK(\"http://x.example\",\"see\")"))
                .body("items[0].costUsd", equalTo("0.0000005")));

        String csv = given().auth().oauth2(TestTokens.admin()).queryParam("format", "csv")
                .queryParam("customerId", customer).get("/usage-logs").then().statusCode(200).extract().asString();
        String row = csv.split("\r\n")[1];
        assertEquals(hostile.eventId() + "," + customer + ",'@key,OPENAI,'-op,"
                + "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"see\"\")\",'+gpt,2026-07-01T10:00:00Z,5,200,SUCCESS,"
                + "1200,350,100,20,0,0,false,0.0000005,false,'=price,1,", row.substring(0, row.lastIndexOf(',') + 1));
    }

    @Inject
    UsageLogWriter writer;

    @Test
    void shouldExportEveryCallOfAFilterAsOneCsvNewestFirstAndOnlyTheCustomersOwn() {
        String customer = SampleEvents.newCustomer();
        Instant first = Instant.parse("2026-06-01T00:00:00Z");
        List<UsageEvent> calls = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            calls.add(SampleEvents.openAi(customer, first.plusSeconds(60L * i), "0.0001"));
        }
        calls.add(SampleEvents.elevenLabs(customer, first.plusSeconds(30)));
        writer.recordAll(calls, Instant.now());

        String csv = given().auth().oauth2(TestTokens.customer(customer)).queryParam("provider", "OPENAI")
                .get("/usage-logs/export").then().statusCode(200)
                .header("Content-Disposition", containsString("usage-logs.csv"))
                .contentType(containsString("text/csv")).extract().asString();

        String[] lines = csv.split("\r\n");
        assertEquals(String.join(",", UsageLogItem.COLUMNS), lines[0]);
        assertEquals(2501, lines.length, "the header and every OpenAI call, more than any page holds");
        assertTrue(lines[1].startsWith(calls.get(2499).eventId() + ","), "newest first: " + lines[1]);
        assertTrue(lines[2500].startsWith(calls.get(0).eventId() + ","), "oldest last: " + lines[2500]);
        assertEquals(2500, Arrays.stream(lines).skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().count());

        given().auth().oauth2(TestTokens.customer(SampleEvents.newCustomer())).queryParam("customerId", customer)
                .get("/usage-logs/export").then().statusCode(403).contentType(containsString("json"));
        given().auth().oauth2(TestTokens.admin()).queryParam("customerId", customer).queryParam("outcome", "MAYBE")
                .get("/usage-logs/export").then().statusCode(400).body("code", equalTo("invalid_outcome"));
    }
}
