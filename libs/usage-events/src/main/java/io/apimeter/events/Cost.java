package io.apimeter.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;

/**
 * The price of one call, computed once at the gateway.
 *
 * @param amount       USD, exact decimal, written as a JSON string; null when {@code unpriced}; negative only in an
 *                     adjustment that takes cost back
 * @param currency     always {@code USD}
 * @param priceId      the price book entry used, null when unpriced
 * @param priceVersion version of that entry, null when unpriced
 * @param unpriced     true when no price matched the model: the call is recorded but carries no amount
 */
public record Cost(
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
        String currency,
        String priceId,
        Integer priceVersion,
        boolean unpriced) {

    public static final String USD = "USD";

    public static Cost of(BigDecimal amount, String priceId, int priceVersion) {
        return new Cost(amount, USD, priceId, priceVersion, false);
    }

    public static Cost unpricedCost() {
        return new Cost(null, USD, null, null, true);
    }

    /** The amount to add to totals: zero for an unpriced call. */
    public BigDecimal amountOrZero() {
        return amount == null ? BigDecimal.ZERO : amount;
    }

    void validate(boolean mayBeNegative) {
        if (!unpriced && amount == null) {
            throw new EventFormatException("cost.amount is required unless cost.unpriced is true");
        }
        if (!mayBeNegative && amount != null && amount.signum() < 0) {
            throw new EventFormatException("cost.amount must not be negative (only in an ADJUSTMENT)");
        }
    }
}
