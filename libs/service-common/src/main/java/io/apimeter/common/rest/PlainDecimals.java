package io.apimeter.common.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Every service's REST answers write decimals in plain notation ({@code 0.0000005}, never {@code 5E-7}), as the
 * events do ({@link io.apimeter.events.EventJson}): a BigDecimal written as a JSON number or as a string is read the
 * same by any client, spreadsheet or person.
 */
@Singleton
public class PlainDecimals implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
