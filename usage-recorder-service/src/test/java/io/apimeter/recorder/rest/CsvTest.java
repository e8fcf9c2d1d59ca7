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
    void shouldPrefixTextCellsASpreadsheetWouldReadAsAFormula() {
        assertEquals("'=1+2", Csv.field("=1+2"));
        assertEquals("'+33 1 23", Csv.field("+33 1 23"));
        assertEquals("'-2+3", Csv.field("-2+3"));
        assertEquals("'@SUM(A1:A9)", Csv.field("@SUM(A1:A9)"));
        assertEquals("'\t=1", Csv.field("\t=1"));
        assertEquals("\"'\r=1\"", Csv.field("\r=1"));
        assertEquals("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"see\"\")\"",
                Csv.field("=HYPERLINK(\"http://x.example\",\"see\")"));
        assertEquals("gpt-4", Csv.field("gpt-4"), "a dash inside is harmless");
    }

    @Test
    void shouldWriteOurNumbersAsTheyAre() {
        assertEquals("-1.5", Csv.field(new BigDecimal("-1.5")));
        assertEquals("-3", Csv.field(-3L));
        assertEquals("0.0000001", Csv.field(new BigDecimal("1E-7")));
        assertEquals("true", Csv.field(true));
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
