package io.apimeter.recorder.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void shouldQuoteOnlyFieldsThatNeedIt() {
        assertEquals("plain", Csv.field("plain"));
        assertEquals("", Csv.field(null));
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.field("two\nlines"));
        assertEquals("\" padded \"", Csv.field(" padded "));
    }

    @Test
    void shouldWriteAHeaderAndOneCrlfLinePerRow() {
        String csv = Csv.write(new String[] {"a", "b"}, List.of(new Object[] {1, null}, new Object[] {"x,y", true}));
        assertEquals("a,b\r\n1,\r\n\"x,y\",true\r\n", csv);
    }

    @Test
    void shouldWriteMoneyAsPlainDecimals() {
        assertEquals("0.057", UsageLogItem.money(new BigDecimal("0.0570")));
        assertEquals("0.0000001", UsageLogItem.money(new BigDecimal("1E-7")));
        assertEquals("100", UsageLogItem.money(new BigDecimal("100.000")));
        assertEquals("0", UsageLogItem.money(new BigDecimal("0.000")));
        assertEquals(null, UsageLogItem.money(null));
    }
}
