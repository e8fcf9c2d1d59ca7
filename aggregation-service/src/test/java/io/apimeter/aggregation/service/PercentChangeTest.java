package io.apimeter.aggregation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PercentChangeTest {

    private static String change(String current, String previous) {
        return Money.percent(PercentChange.of(new BigDecimal(current), new BigDecimal(previous)));
    }

    @Test
    void shouldGiveTheChangeInPercentWithTwoDecimals() {
        assertEquals("12.50", change("1.125", "1"));
        assertEquals("-25.00", change("0.75", "1.0"));
        assertEquals("0.00", change("3", "3.000"));
        assertEquals("-100.00", change("0", "2"));
        assertEquals("33.33", change("4", "3"));
        assertEquals("66.67", change("5", "3"));
    }

    @Test
    void shouldHaveNoChangeWhenThePreviousMonthCostNothing() {
        assertNull(PercentChange.of(new BigDecimal("5"), BigDecimal.ZERO));
        assertNull(PercentChange.of(new BigDecimal("5"), new BigDecimal("0.000")));
        assertNull(PercentChange.of(new BigDecimal("5"), null));
    }

    @Test
    void shouldWriteMoneyAsPlainExactDecimals() {
        assertEquals("0.057", Money.format(new BigDecimal("0.0570")));
        assertEquals("0.0000001", Money.format(new BigDecimal("1E-7")));
        assertEquals("1200", Money.format(new BigDecimal("1.2E+3")));
        assertEquals("0", Money.format(new BigDecimal("0.00")));
        assertEquals("0.0203333333333333333333", Money.format(new BigDecimal("0.0203333333333333333333")));
        assertNull(Money.format(null));
    }
}
