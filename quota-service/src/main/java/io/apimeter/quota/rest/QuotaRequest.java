package io.apimeter.quota.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.quota.service.Enforcement;
import io.apimeter.quota.service.QuotaSettings;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the body of {@code PUT /quotas/{customerId}}. Limits may be JSON numbers or decimal strings; a
 * missing or null limit is unlimited. A misspelt field is refused rather than read as "unlimited".
 */
final class QuotaRequest {
    static final String OPENAI_TOKENS = "openaiTokens";
    static final String ELEVENLABS_CHARACTERS = "elevenlabsCharacters";
    static final String SMARTFLO_MINUTES = "smartfloMinutes";
    static final String TOTAL_COST_USD = "totalCostUsd";
    static final String REQUESTS_PER_MINUTE = "requestsPerMinute";
    static final String WARN_AT_PERCENT = "warnAtPercent";
    static final String ENFORCEMENT = "enforcement";
    /** Fields of the answer, accepted so that a client can send back what it read; customerId must match. */
    static final String CUSTOMER_ID = "customerId";
    static final String UPDATED_AT = "updatedAt";

    private static final Set<String> FIELDS = Set.of(OPENAI_TOKENS, ELEVENLABS_CHARACTERS, SMARTFLO_MINUTES,
            TOTAL_COST_USD, REQUESTS_PER_MINUTE, WARN_AT_PERCENT, ENFORCEMENT, CUSTOMER_ID, UPDATED_AT);
    /** Decimal limits are stored as numeric(30, 12). */
    private static final int MAX_SCALE = 12;
    private static final BigDecimal MAX_DECIMAL = new BigDecimal("1e18");

    private QuotaRequest() {
    }

    static QuotaSettings parse(String customerId, JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiException.badRequest("invalid_body", "a JSON object with the quota's limits is required");
        }
        if (!(body instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_body", "the body must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + Params.clip(name)
                        + "'; known fields are openaiTokens, elevenlabsCharacters, smartfloMinutes, totalCostUsd,"
                        + " requestsPerMinute, warnAtPercent, enforcement");
            }
        }
        JsonNode bodyCustomer = object.get(CUSTOMER_ID);
        if (bodyCustomer != null && !bodyCustomer.isNull() && !customerId.equals(bodyCustomer.asText())) {
            throw ApiException.badRequest("invalid_customerId", "customerId in the body must match the path");
        }
        Long tokens = wholeNumber(object, OPENAI_TOKENS, Long.MAX_VALUE);
        Long characters = wholeNumber(object, ELEVENLABS_CHARACTERS, Long.MAX_VALUE);
        BigDecimal minutes = decimal(object, SMARTFLO_MINUTES);
        BigDecimal cost = decimal(object, TOTAL_COST_USD);
        Long perMinute = wholeNumber(object, REQUESTS_PER_MINUTE, Integer.MAX_VALUE);
        Long warnAt = wholeNumber(object, WARN_AT_PERCENT, Long.MAX_VALUE);
        if (warnAt != null && (warnAt < 1 || warnAt > 99)) {
            throw ApiException.badRequest("invalid_" + WARN_AT_PERCENT, WARN_AT_PERCENT + " must be from 1 to 99");
        }
        Enforcement enforcement = enforcement(object);
        return new QuotaSettings(tokens, characters, minutes, cost, perMinute == null ? null : perMinute.intValue(),
                warnAt == null ? QuotaSettings.DEFAULT_WARN_AT_PERCENT : warnAt.intValue(),
                enforcement == null ? Enforcement.ALERT_ONLY : enforcement);
    }

    private static Enforcement enforcement(ObjectNode object) {
        JsonNode node = object.get(ENFORCEMENT);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.badRequest("invalid_" + ENFORCEMENT, ENFORCEMENT + " must be ALERT_ONLY or BLOCK");
        }
        return Params.enumValue(ENFORCEMENT, node.asText(), Enforcement.class);
    }

    private static Long wholeNumber(ObjectNode object, String field, long max) {
        BigDecimal value = number(object, field);
        if (value == null) {
            return null;
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw ApiException.badRequest("invalid_" + field, field + " must be a whole number");
        }
        if (value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw ApiException.badRequest("invalid_" + field, field + " must be at most " + max);
        }
        return value.longValueExact();
    }

    /**
     * A non-negative decimal limit given as a JSON number or a decimal string, with at most 12 decimals and
     * below 10^18; null when missing or null.
     */
    static BigDecimal decimal(ObjectNode object, String field) {
        BigDecimal value = number(object, field);
        if (value == null) {
            return null;
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > MAX_SCALE) {
            throw ApiException.badRequest("invalid_" + field, field + " must have at most " + MAX_SCALE + " decimals");
        }
        if (value.compareTo(MAX_DECIMAL) >= 0) {
            throw ApiException.badRequest("invalid_" + field, field + " must be less than 10^18");
        }
        return value;
    }

    /** A non-negative number given as a JSON number or a decimal string; null when missing or null. */
    private static BigDecimal number(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid_" + field,
                        field + " must be a number or a decimal string, got '" + Params.clip(node.asText()) + "'");
            }
        } else {
            throw ApiException.badRequest("invalid_" + field, field + " must be a number, a decimal string or null");
        }
        if (value.abs().compareTo(MAX_DECIMAL.multiply(MAX_DECIMAL)) > 0) {
            throw ApiException.badRequest("invalid_" + field, field + " is too large");
        }
        return Params.nonNegative(field, value);
    }
}
