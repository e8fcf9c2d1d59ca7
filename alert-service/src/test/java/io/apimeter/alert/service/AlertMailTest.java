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
    void shouldNameTypeCustomerThresholdAndDimensionInTheSubject() {
        assertEquals("[apimeter] WARNING: acme at 80% of OpenAI tokens",
                AlertMail.of(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "805000", "1000000")).subject());
        assertEquals("[apimeter] EXCEEDED: acme at 100% of Smartflo minutes",
                AlertMail.of(alert("EXCEEDED", "acme", "SMARTFLO_MINUTES", 100, "10.5", "10")).subject());
    }

    @Test
    void shouldUseTheMessageInTheSubjectOfAnAlertWithoutDimension() {
        Alert unpriced = alert("UNPRICED_MODEL", "platform", null, null, null, null);
        unpriced.message = "A call used gpt-9,\r\nwhich has no price";
        assertEquals("[apimeter] UNPRICED_MODEL: platform - A call used gpt-9, which has no price",
                AlertMail.of(unpriced).subject());
    }

    @Test
    void shouldShowUsedLimitPercentMonthAndTimeInBothBodies() {
        AlertMail mail = AlertMail.of(alert("WARNING", "acme", "OPENAI_TOKENS", 80, "805000.000", "1000000"));
        for (String body : new String[] {mail.text(), mail.html()}) {
            assertTrue(body.contains("805000"), body);
            assertFalse(body.contains("805000.000"), body);
            assertTrue(body.contains("1000000"), body);
            assertTrue(body.contains("80.50%"), body);
            assertTrue(body.contains("2026-11"), body);
            assertTrue(body.contains("2026-11-20T10:15:30Z"), body);
            assertTrue(body.contains("OpenAI tokens"), body);
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
    void shouldShowNoPercentForAZeroLimit() {
        AlertMail mail = AlertMail.of(alert("EXCEEDED", "acme", "OPENAI_TOKENS", 100, "5", "0"));
        assertTrue(mail.text().contains("Percent:    -"), mail.text());
    }
}
