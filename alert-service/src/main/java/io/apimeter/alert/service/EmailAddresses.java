package io.apimeter.alert.service;

import java.util.Locale;
import java.util.regex.Pattern;

/** What this service accepts as a mail address: one address, no display name, no list, no line breaks. */
public final class EmailAddresses {
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+");
    private static final int MAX_LENGTH = 254;

    private EmailAddresses() {
    }

    /** The address trimmed and in lower case, or null if it is not a single usable address. */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String address = value.trim();
        if (address.isEmpty() || address.length() > MAX_LENGTH || !ADDRESS.matcher(address).matches()) {
            return null;
        }
        return address.toLowerCase(Locale.ROOT);
    }
}
