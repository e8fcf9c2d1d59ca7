package io.apimeter.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.apimeter.gateway.service.ModelFamilies;
import org.junit.jupiter.api.Test;

class PricingTest {

    @Test
    void shouldResolveDatedModelIdsToTheirFamilyOnly() {
        assertEquals("gpt-4", ModelFamilies.familyOf("gpt-4-0613"));
        assertEquals("gpt-4", ModelFamilies.familyOf("GPT-4"));
        assertEquals("gpt-3.5-turbo", ModelFamilies.familyOf("gpt-3.5-turbo-0125"));
        assertEquals("gpt-3.5-turbo", ModelFamilies.familyOf("gpt-3.5-turbo-2024-01-25"));
        assertEquals("gpt-4o", ModelFamilies.familyOf("gpt-4o-2024-08-06"));
        assertEquals("gpt-4-32k", ModelFamilies.familyOf("gpt-4-32k-0613"));
    }
}
