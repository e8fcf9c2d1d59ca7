package io.apimeter.gateway.service;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Dated model ids resolve to their family for pricing: {@code gpt-4-0613} is priced as {@code gpt-4},
 * {@code gpt-3.5-turbo-2024-01-25} as {@code gpt-3.5-turbo}. Only a date suffix is removed, so a different
 * model that merely starts like a priced one ({@code gpt-4o}, {@code gpt-4-32k}) is not priced as it.
 */
public final class ModelFamilies {
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{4})$");
    /** Families of the models seen, so a call does not run the pattern; bounded, as clients name the models. */
    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 1_000;

    private ModelFamilies() {
    }

    public static String familyOf(String model) {
        if (model == null) {
            return null;
        }
        String known = KNOWN.get(model);
        if (known != null) {
            return known;
        }
        String id = model.trim().toLowerCase(Locale.ROOT);
        String family = DATE_SUFFIX.matcher(id).replaceFirst("");
        if (KNOWN.size() < MAX_KNOWN) {
            KNOWN.put(model, family);
        }
        return family;
    }
}
