package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The admin addresses every alert goes to, checked at startup so that a typo stops the service loudly. */
@Startup
@ApplicationScoped
public class AdminRecipients {
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,<>]+@[^@\\s,<>]+");

    private final List<String> addresses;

    public AdminRecipients(AlertConfig config) {
        this.addresses = parse(config.adminEmails());
    }

    public List<String> addresses() {
        return addresses;
    }

    static List<String> parse(List<String> configured) {
        Set<String> unique = new LinkedHashSet<>();
        for (String value : configured) {
            String address = value.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (!ADDRESS.matcher(address).matches() || address.length() > 254) {
                throw new IllegalArgumentException("apimeter.alert.admin-emails: not an email address: '" + address + "'");
            }
            unique.add(address.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(unique);
    }
}
