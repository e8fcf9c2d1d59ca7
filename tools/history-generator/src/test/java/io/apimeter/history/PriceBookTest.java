package io.apimeter.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.apimeter.events.Provider;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PriceBookTest {

    @Test
    void shouldPriceDatedModelsAsTheirFamilyLikeTheGateway() {
        assertEquals("gpt-4o", PriceBook.find(Provider.OPENAI, "gpt-4o-2024-08-06").pricedModel());
        assertEquals("gpt-4o-mini", PriceBook.find(Provider.OPENAI, "gpt-4o-mini-2024-07-18").pricedModel());
        assertEquals("gpt-4", PriceBook.find(Provider.OPENAI, "gpt-4-0613").pricedModel());
        assertEquals("openai/gpt-3.5-turbo/1", PriceBook.find(Provider.OPENAI, "gpt-3.5-turbo-0125").id());
        assertEquals("text-embedding-ada-002", PriceBook.find(Provider.OPENAI, "text-embedding-ada-002").pricedModel());
        assertNull(PriceBook.find(Provider.OPENAI, "gpt-4.1-mini"));
        assertNull(PriceBook.find(Provider.OPENAI, "gpt-3.5-turbo-instruct"));
    }

    @Test
    void shouldPriceElevenLabsAndSmartfloByTheirDefaultEntries() {
        PriceBook.Entry voice = PriceBook.find(Provider.ELEVENLABS, "eleven_turbo_v2_5");
        PriceBook.Entry phone = PriceBook.find(Provider.SMARTFLO, null);

        assertEquals("elevenlabs/default/1", voice.id());
        assertNull(voice.pricedModel());
        assertEquals(new BigDecimal("0.0123"), PriceBook.amount(voice, 410, 0));
        assertEquals("smartflo/default/1", phone.id());
        assertEquals(new BigDecimal("0.002333333333"), PriceBook.amount(phone, 7, 0));
        assertEquals(new BigDecimal("0.02"), PriceBook.amount(phone, 60, 0));
        assertEquals(BigDecimal.ZERO, PriceBook.amount(phone, 0, 0));
    }

    @Test
    void shouldComputeEveryAmountExactlyAsTheGatewaysFormula() {
        SplittableRandom random = new SplittableRandom(7);
        for (PriceBook.Entry entry : PriceBook.entries()) {
            for (int i = 0; i < 2_000; i++) {
                long input = random.nextInt(5) == 0 ? 0 : random.nextLong(200_000);
                long output = random.nextInt(5) == 0 ? 0 : random.nextLong(70_000);
                assertEquals(gateway(entry, input, output), PriceBook.amount(entry, input, output),
                        entry.id() + " " + input + " / " + output);
            }
        }
    }

    @Test
    void shouldPriceAChatCompletion() {
        PriceBook.Entry gpt4o = PriceBook.find(Provider.OPENAI, "gpt-4o");

        assertEquals(new BigDecimal("0.0075"), PriceBook.amount(gpt4o, 1000, 500));
    }

    /**
     * gateway-service's PriceBook#price and #per, restated: each of input and output as price x quantity / unit size
     * to 12 decimals (half even), added, in the shortest form. The unit sizes are the book's: tokens per 1000,
     * ElevenLabs per 10000 characters, Smartflo per 60 seconds.
     */
    private static BigDecimal gateway(PriceBook.Entry entry, long input, long output) {
        long unitSize = switch (entry.provider()) {
            case OPENAI -> 1000;
            case ELEVENLABS -> 10_000;
            case SMARTFLO -> 60;
        };
        BigDecimal inputPrice = switch (entry.id()) {
            case "openai/gpt-4/1" -> new BigDecimal("0.03");
            case "openai/gpt-3.5-turbo/1" -> new BigDecimal("0.0005");
            case "openai/gpt-4o/1" -> new BigDecimal("0.0025");
            case "openai/gpt-4o-mini/1" -> new BigDecimal("0.00015");
            case "openai/o3-mini/1" -> new BigDecimal("0.0011");
            case "openai/text-embedding-3-small/1" -> new BigDecimal("0.00002");
            case "openai/text-embedding-3-large/1" -> new BigDecimal("0.00013");
            case "openai/text-embedding-ada-002/1" -> new BigDecimal("0.0001");
            case "elevenlabs/default/1" -> new BigDecimal("0.30");
            case "smartflo/default/1" -> new BigDecimal("0.02");
            default -> throw new AssertionError(entry.id());
        };
        BigDecimal outputPrice = switch (entry.id()) {
            case "openai/gpt-4/1" -> new BigDecimal("0.06");
            case "openai/gpt-3.5-turbo/1" -> new BigDecimal("0.0015");
            case "openai/gpt-4o/1" -> new BigDecimal("0.01");
            case "openai/gpt-4o-mini/1" -> new BigDecimal("0.0006");
            case "openai/o3-mini/1" -> new BigDecimal("0.0044");
            default -> null;
        };
        BigDecimal amount = per(input, inputPrice, unitSize).add(per(output, outputPrice, unitSize));
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static BigDecimal per(long quantity, BigDecimal price, long unitSize) {
        if (price == null || quantity == 0) {
            return BigDecimal.ZERO;
        }
        return price.multiply(BigDecimal.valueOf(quantity)).divide(BigDecimal.valueOf(unitSize), 12,
                RoundingMode.HALF_EVEN);
    }
}
