package io.apimeter.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.events.Outcome;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void shouldAnswerBadRequestNamingTheParameter() {
        assertEquals(YearMonth.of(2026, 11), Params.month("month", "2026-11"));
        ApiException e = assertThrows(ApiException.class, () -> Params.month("month", "2026-13"));
        assertEquals(400, e.status());
        assertEquals("invalid_month", e.code());
        assertThrows(ApiException.class, () -> Params.intInRange("limit", "0", 50, 1, 500));
        assertThrows(ApiException.class, () -> Params.intInRange("limit", "ten", 50, 1, 500));
        assertEquals(50, Params.intInRange("limit", null, 50, 1, 500));
        assertEquals(Outcome.SUCCESS, Params.enumValue("outcome", "success", Outcome.class));
        assertThrows(ApiException.class, () -> Params.enumValue("outcome", "DONE", Outcome.class));
        assertThrows(ApiException.class, () -> Params.customerId("customerId", "a b"));
        assertThrows(ApiException.class, () -> Params.instant("from", "yesterday"));
    }
}
