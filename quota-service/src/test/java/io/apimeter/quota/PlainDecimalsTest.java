package io.apimeter.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapper REST answers are written with writes decimals plainly (the customizer of service-common). */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class PlainDecimalsTest {
    @Inject
    ObjectMapper mapper;

    @Test
    void shouldAnswerATinyAmountAsAPlainDecimal() throws Exception {
        assertEquals("{\"amount\":0.0000005}", mapper.writeValueAsString(Map.of("amount", new BigDecimal("5E-7"))));
    }
}
