package io.apimeter.alert.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.alert.entity.Alert;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertMailTest {

    private static Alert alert(String type, String customer, String dimension, Integer threshold, String used,
                               String limit) {
        Alert alert = new Alert();
        alert.id = UUID.fromString("3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f");
        alert.type = type;
        alert.customerId = customer;
        alert.dimension = dimension;
        alert.thresholdPercent = threshold;
        alert.used = used == null ? null : new BigDecimal(used);
        alert.limitValue = limit == null ? null : new BigDecimal(limit);
        alert.month = "2026-11";
        alert.message = customer + " has used 80.5% of its monthly OpenAI token limit";
        alert.occurredAt = Instant.parse("2026-11-20T10:15:30Z");
        return alert;
    }

    @Test
    void shouldSayWhoUsedWhatShareOfWhichLimitInWhichMonthInTheSubject() {
        assertEquals("[apimeter] WARNING: acme used 80% of its OpenAI token limit (2026-11)",
                AlertMail.of(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "805000", "1000000")).subject());
        assertEquals("[apimeter] EXCEEDED: acme used 100% of its cost limit (2026-11)",
                AlertMail.of(alert("EXCEEDED", "acme", "TOTAL_COST_USD", 100, "100.25", "100")).subject());
        assertEquals("[apimeter] RATE_LIMIT: acme went over its requests-per-minute limit (2026-11)",
                AlertMail.of(alert("RATE_LIMIT", "acme", "REQUESTS_PER_MINUTE", 100, "121", "120")).subject());
        assertEquals("[apimeter] PLATFORM_COST: the platform used 80% of its monthly cost budget (2026-11)",
                AlertMail.of(alert("PLATFORM_COST", "platform", "TOTAL_COST_USD", 80, "8100", "10000")).subject());
    }

    @Test
    void shouldUseTheMessageInTheSubjectOfAnAlertWithoutDimension() {
        Alert unpriced = alert("UNPRICED_MODEL", "platform", null, null, null, null);
        unpriced.message = "A call used gpt-9,\r\nwhich has no price";
        assertEquals("[apimeter] UNPRICED_MODEL: platform - A call used gpt-9, which has no price",
                AlertMail.of(unpriced).subject());
    }

    @Test
    void shouldShowWhatHappenedUsedLimitPercentMonthAndTimeInBothBodies() {
        AlertMail mail = AlertMail.of(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "805000.000", "1000000"));
        for (String body : new String[] {mail.text(), mail.html()}) {
            assertTrue(body.contains("acme has used 80.5% of its monthly OpenAI token limit"), body);
            assertTrue(body.contains("805,000 tokens"), body);
            assertFalse(body.contains("805000.000"), body);
            assertTrue(body.contains("1,000,000 tokens"), body);
            assertTrue(body.contains("80.50%"), body);
            assertTrue(body.contains("2026-11"), body);
            assertTrue(body.contains("2026-11-20 10:15:30 UTC"), body);
            assertTrue(body.contains("OpenAI tokens"), body);
            assertTrue(body.contains("What to do"), body);
            assertTrue(body.contains("raise the quota"), body);
            assertFalse(body.contains("http://") || body.contains("https://") || body.contains("href"), body);
        }
        assertTrue(mail.html().startsWith("<!DOCTYPE html>"), mail.html());
        assertTrue(mail.html().contains("<table"), mail.html());
    }

    @Test
    void shouldShowMoneyAsDollars() {
        AlertMail mail = AlertMail.of(alert("EXCEEDED", "acme", "TOTAL_COST_USD", 100, "100.25", "100"));
        assertTrue(mail.text().contains("$100.25"), mail.text());
        assertTrue(mail.text().contains("$100.00"), mail.text());
        assertTrue(mail.text().contains("100.25%"), mail.text());
    }

    @Test
    void shouldRoundThePercentDownSoThatAHundredMeansReached() {
        assertEquals("99.99%", AlertMail.percent(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "499999", "500000")));
        assertEquals("66.66%", AlertMail.percent(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "2", "3")));
        assertEquals("100.00%", AlertMail.percent(alert("EXCEEDED", "acme", "OPENAI_TOKENS", 100, "500000", "500000")));
        assertEquals("100.00%", AlertMail.percent(alert("EXCEEDED", "acme", "ELEVENLABS_CHARACTERS", 100, "0", "0")));
        AlertMail oneShort = AlertMail.of(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "499999", "500000"));
        assertTrue(oneShort.text().contains("99.99%"), oneShort.text());
        assertFalse(oneShort.text().contains("100.00%"), oneShort.text());
    }

    @Test
    void shouldGiveTheCustomerAdviceForItselfWithoutTheAdminsConsole() {
        Alert alert = alert("EXCEEDED", "acme", "OPENAI_TOKENS", 100, "1000001", "1000000");
        AlertMail admin = AlertMail.of(alert, NotificationAudience.ADMIN);
        AlertMail customer = AlertMail.of(alert, NotificationAudience.CUSTOMER);
        assertEquals(admin.subject(), customer.subject());
        assertTrue(admin.text().contains("Decide with the customer"), admin.text());
        assertTrue(admin.text().contains("administrator of the apimeter platform"), admin.text());
        assertTrue(customer.text().contains("You have gone past your monthly limit"), customer.text());
        assertTrue(customer.text().contains("the contact of acme"), customer.text());
        assertFalse(customer.text().contains("console"), customer.text());
        assertFalse(customer.html().contains("console"), customer.html());
    }

    @Test
    void shouldGiveAdviceForEveryAlertType() {
        for (String type : new String[] {"WARNING", "EXCEEDED", "RATE_LIMIT", "PLATFORM_COST", "UNPRICED_MODEL",
                "UNUSUAL_ACTIVITY", "UNBILLED_CALL"}) {
            Alert alert = alert(type, "acme", "TOTAL_COST_USD", 80, "1", "2");
            String advice = AlertMail.advice(alert, NotificationAudience.ADMIN);
            assertFalse(advice.isBlank(), type);
            assertFalse(advice.startsWith("Look into the alert"), type + ": " + advice);
        }
    }

    @Test
    void shouldEscapeWhatComesFromTheEventInTheHtmlBody() {
        Alert alert = alert("WARNING", "acme", "OPENAI_TOKENS", 80, "1", "2");
        alert.message = "<script>alert('x')</script> & more";
        String html = AlertMail.of(alert).html();
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html);
    }

    @Test
    void shouldShowAHundredPercentForAZeroLimitAsTheQuotaStatusDoes() {
        AlertMail mail = AlertMail.of(alert("EXCEEDED", "acme", "OPENAI_TOKENS", 100, "5", "0"));
        assertTrue(mail.text().contains("Percent:    100.00%"), mail.text());
        AlertMail unusual = AlertMail.of(alert("UNUSUAL_ACTIVITY", "acme", null, null, "412", null));
        assertTrue(unusual.text().contains("Percent:    -"), unusual.text());
    }
}
