package io.apimeter.quota.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.quota.service.QuotaSettings;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the body of {@code PUT /platform/budget}: {@code monthlyCostUsd} (a JSON number or decimal string
 * above zero; missing or null: no budget) and {@code warnAtPercent} (1 to 99, default 80). Unknown fields are
 * refused so that a misspelt budget is not silently "no budget".
 */
final class PlatformBudgetRequest {
    static final String MONTHLY_COST_USD = "monthlyCostUsd";
    static final String WARN_AT_PERCENT = "warnAtPercent";
    /** Accepted so that a client can send back what it read. */
    static final String UPDATED_AT = "updatedAt";
    private static final Set<String> FIELDS = Set.of(MONTHLY_COST_USD, WARN_AT_PERCENT, UPDATED_AT);

    record Parsed(BigDecimal monthlyCostUsd, int warnAtPercent) {
    }

    private PlatformBudgetRequest() {
    }

    static Parsed parse(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_body", "a JSON object with monthlyCostUsd and warnAtPercent is required");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + Params.clip(name)
                        + "'; known fields are monthlyCostUsd, warnAtPercent");
            }
        }
        BigDecimal budget = budget(object);
        int warnAt = warnAt(object.get(WARN_AT_PERCENT));
        return new Parsed(budget, warnAt);
    }

    private static BigDecimal budget(ObjectNode object) {
        BigDecimal value = QuotaRequest.decimal(object, MONTHLY_COST_USD);
        if (value != null && value.signum() == 0) {
            throw invalid(MONTHLY_COST_USD, "must be more than 0 (null for no budget)");
        }
        return value;
    }

    private static int warnAt(JsonNode node) {
        if (node == null || node.isNull()) {
            return QuotaSettings.DEFAULT_WARN_AT_PERCENT;
        }
        if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 99) {
            throw invalid(WARN_AT_PERCENT, "must be a whole number from 1 to 99");
        }
        return node.asInt();
    }

    private static ApiException invalid(String field, String problem) {
        return ApiException.badRequest("invalid_" + field, field + " " + problem);
    }
}
