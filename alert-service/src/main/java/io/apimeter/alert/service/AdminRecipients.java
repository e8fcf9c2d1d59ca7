package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The admin addresses every alert goes to, checked at startup so that a typo stops the service loudly. */
@Startup
@ApplicationScoped
public class AdminRecipients {
    private final List<String> addresses;

    public AdminRecipients(AlertConfig config) {
        this.addresses = parse(config.adminEmails());
    }

    public List<String> addresses() {
        return addresses;
    }

    /** Whether this (normalized) address is one of the admins'. */
    public boolean isAdmin(String address) {
        return addresses.contains(address);
    }

    static List<String> parse(List<String> configured) {
        Set<String> unique = new LinkedHashSet<>();
        for (String value : configured) {
            String trimmed = value.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String address = EmailAddresses.normalize(trimmed);
            if (address == null) {
                throw new IllegalArgumentException("apimeter.alert.admin-emails: not an email address: '" + trimmed + "'");
            }
            unique.add(address);
        }
        return List.copyOf(unique);
    }
}
