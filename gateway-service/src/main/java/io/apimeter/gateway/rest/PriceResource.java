package io.apimeter.gateway.rest;

import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Roles;
import io.apimeter.events.Provider;
import io.apimeter.gateway.service.ModelFamilies;
import io.apimeter.gateway.service.PriceBook;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Admin API of the price book. Prices are effective-dated: a change is a new entry from a given instant, so
 * calls keep the price that was in effect when they started, and every event names the entry it was priced by.
 */
@Path("/admin/prices")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PriceResource {
    /** A model family as the price book keys it: lower case, without a date suffix. */
    private static final Pattern MODEL = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,99}");
    /** Each provider bills in one unit; a price in another unit would price every call at zero. */
    private static final Map<Provider, String> UNIT_OF = Map.of(
            Provider.OPENAI, "TOKENS", Provider.ELEVENLABS, "CHARACTERS", Provider.SMARTFLO, "SECONDS");
    private static final int MAX_DECIMALS = 12;
    /** numeric(30,12) holds 18 digits before the decimal point. */
    private static final int MAX_INTEGER_DIGITS = 18;
    private static final long MAX_UNIT_SIZE = 1_000_000_000L;
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final PriceBook priceBook;

    public PriceResource(PriceBook priceBook) {
        this.priceBook = priceBook;
    }

    /**
     * A new price. Amounts are decimal strings (or JSON numbers) in USD per {@code unitSize} units; TOKENS
     * prices take {@code inputPrice} and {@code outputPrice}, CHARACTERS and SECONDS prices take {@code price}.
     */
    public record NewPrice(String provider, String model, String unit, BigDecimal unitSize,
                           BigDecimal inputPrice, BigDecimal outputPrice, BigDecimal price, String effectiveFrom) {
    }

    /** An entry; amounts are decimal strings written out in full ("0.000001", never "1E-6"). */
    public record PriceView(String id, String provider, String model, String unit, long unitSize,
                            String inputPrice, String outputPrice, String price, Instant effectiveFrom, int version) {
        static PriceView of(PriceBook.Entry p) {
            return new PriceView(p.id(), p.provider(), p.model(), p.unit(), p.unitSize(), plain(p.inputPerUnit()),
                    plain(p.outputPerUnit()), plain(p.perUnit()), p.effectiveFrom(), p.version());
        }

        private static String plain(BigDecimal amount) {
            return amount == null ? null : amount.toPlainString();
        }
    }

    /** Every entry of the price book, past, present and future, by provider and model, the newest first. */
    @GET
    public List<PriceView> list() {
        return priceBook.stored().stream().map(PriceView::of).toList();
    }

    @POST
    public Response add(NewPrice body) {
        PriceBook.Entry added = priceBook.add(validate(body));
        return Response.status(Response.Status.CREATED).entity(PriceView.of(added)).build();
    }

    static PriceBook.NewPrice validate(NewPrice body) {
        if (body == null) {
            throw ApiException.badRequest("invalid_body", "A JSON body {provider, model, unit, unitSize, ...} is required.");
        }
        if (body.provider() == null || body.provider().isBlank()) {
            throw ApiException.badRequest("invalid_provider", "provider is required: one of OPENAI, ELEVENLABS, SMARTFLO");
        }
        Provider provider = Params.enumValue("provider", body.provider(), Provider.class);
        String model = model(provider, body.model());
        String expectedUnit = UNIT_OF.get(provider);
        String unit = body.unit() == null ? "" : body.unit().trim().toUpperCase(Locale.ROOT);
        if (!unit.equals(expectedUnit)) {
            throw ApiException.badRequest("invalid_unit", "unit must be " + expectedUnit + ": " + provider
                    + " calls are billed in " + expectedUnit.toLowerCase(Locale.ROOT));
        }
        long unitSize = unitSize(body.unitSize());
        BigDecimal input = null;
        BigDecimal output = null;
        BigDecimal perUnit = null;
        if (unit.equals("TOKENS")) {
            input = amount("inputPrice", body.inputPrice());
            output = amount("outputPrice", body.outputPrice());
            unused("price", body.price(), "TOKENS prices take inputPrice and outputPrice");
        } else {
            perUnit = amount("price", body.price());
            unused("inputPrice", body.inputPrice(), unit + " prices take price");
            unused("outputPrice", body.outputPrice(), unit + " prices take price");
        }
        Instant effectiveFrom = Params.instant("effectiveFrom", body.effectiveFrom());
        if (effectiveFrom == null) {
            effectiveFrom = Instant.now();
        } else if (effectiveFrom.isBefore(EARLIEST) || effectiveFrom.isAfter(LATEST)) {
            throw ApiException.badRequest("invalid_effectiveFrom", "effectiveFrom must lie between " + EARLIEST
                    + " and " + LATEST);
        }
        // The database keeps microseconds; the entry answered must be the entry stored.
        effectiveFrom = effectiveFrom.truncatedTo(ChronoUnit.MICROS);
        return new PriceBook.NewPrice(provider, model, unit, unitSize, input, output, perUnit, effectiveFrom);
    }

    private static String model(Provider provider, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_model", "model is required, e.g. gpt-4o"
                    + (provider == Provider.OPENAI ? "" : ", or * for every model of " + provider));
        }
        String model = value.trim().toLowerCase(Locale.ROOT);
        if (model.equals(PriceBook.ANY_MODEL)) {
            if (provider == Provider.OPENAI) {
                // Every OpenAI model has its own price; a catch-all would price new models silently.
                throw ApiException.badRequest("invalid_model", "model * is only for ELEVENLABS and SMARTFLO;"
                        + " OpenAI prices name their model family, e.g. gpt-4o");
            }
            return model;
        }
        if (!MODEL.matcher(model).matches()) {
            throw ApiException.badRequest("invalid_model", "model must be 1 to 100 letters, digits, '.', '-', '_'"
                    + " or ':', got '" + Params.clip(value) + "'");
        }
        String family = ModelFamilies.familyOf(model);
        if (!family.equals(model)) {
            throw ApiException.badRequest("invalid_model", "model must be a model family without a date: calls to "
                    + model + " are priced as " + family + ", so give model " + family);
        }
        return model;
    }

    private static long unitSize(BigDecimal value) {
        if (value == null) {
            throw ApiException.badRequest("invalid_unitSize", "unitSize is required: how many units the prices"
                    + " are for, e.g. 1000 for a price per 1K tokens");
        }
        BigDecimal size = value.stripTrailingZeros();
        if (size.scale() > 0 || size.signum() <= 0 || size.compareTo(BigDecimal.valueOf(MAX_UNIT_SIZE)) > 0) {
            throw ApiException.badRequest("invalid_unitSize", "unitSize must be a whole number from 1 to "
                    + MAX_UNIT_SIZE);
        }
        return size.longValueExact();
    }

    private static BigDecimal amount(String field, BigDecimal value) {
        if (value == null) {
            throw ApiException.badRequest("invalid_" + field, field + " is required, as a decimal string in USD"
                    + " such as \"0.005\"");
        }
        if (value.signum() < 0) {
            throw ApiException.badRequest("invalid_" + field, field + " must not be negative");
        }
        // Checked before normalizing: 1E+999999999 must not be written out digit by digit.
        if ((long) value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
            throw ApiException.badRequest("invalid_" + field, field + " has at most " + MAX_INTEGER_DIGITS
                    + " digits before the decimal point");
        }
        BigDecimal amount = PriceBook.normalize(value);
        if (amount.scale() > MAX_DECIMALS) {
            throw ApiException.badRequest("invalid_" + field, field + " has at most " + MAX_DECIMALS + " decimals");
        }
        return amount;
    }

    private static void unused(String field, BigDecimal value, String why) {
        if (value != null) {
            throw ApiException.badRequest("invalid_" + field, field + " does not apply here: " + why);
        }
    }
}
