package io.apimeter.common.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PlainDecimalsTest {
    record Answer(BigDecimal amount, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal text) {
    }

    @Test
    void shouldWriteATinyAmountAsAPlainDecimalNumberAndString() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Answer answer = new Answer(new BigDecimal("0.0000005"), new BigDecimal("5E-7"));
        assertEquals("{\"amount\":5E-7,\"text\":\"5E-7\"}", mapper.writeValueAsString(answer), "without it");

        new PlainDecimals().customize(mapper);
        assertEquals("{\"amount\":0.0000005,\"text\":\"0.0000005\"}", mapper.writeValueAsString(answer));
    }
}
