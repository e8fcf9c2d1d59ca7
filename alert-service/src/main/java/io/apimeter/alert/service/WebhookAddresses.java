package io.apimeter.alert.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs are acceptable: absolute http(s), no user name or password, and a host that is not and
 * does not resolve to an address inside a network (loopback, private, unique local, link-local, any-local,
 * multicast, carrier-grade NAT and other non-public ranges). Otherwise the service could be made to call its
 * own network, e.g. a cloud metadata endpoint. Checked when a webhook is registered and again before each
 * delivery, which then connects to exactly the address it checked.
 */
public final class WebhookAddresses {
    static final int MAX_URL_LENGTH = 2000;

    /** Name resolution; the platform's DNS outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public static final Resolver DNS = InetAddress::getAllByName;

    /** A URL that is not acceptable as a webhook; the message says why, for a person. */
    public static class RefusedUrlException extends RuntimeException {
        public RefusedUrlException(String message) {
            super(message);
        }
    }

    /** A host that does not resolve (now): refused at registration, retried at delivery. */
    public static class UnresolvedHostException extends RefusedUrlException {
        public UnresolvedHostException(String message) {
            super(message);
        }
    }

    private WebhookAddresses() {
    }

    /** The URL, checked for form only (scheme, host, no user info); throws {@link RefusedUrlException}. */
    public static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new RefusedUrlException("url is required, e.g. https://hooks.example.com/apimeter");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new RefusedUrlException("url must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new RefusedUrlException("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new RefusedUrlException("url must be an absolute http:// or https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedUrlException("url must not contain a user name or password");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new RefusedUrlException("url must name a valid host");
        }
        if (uri.getRawFragment() != null) {
            throw new RefusedUrlException("url must not contain a fragment (#...)");
        }
        return uri;
    }

    /** The host of a parsed URL as a resolver takes it: IPv6 literals without their brackets. */
    public static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * The addresses the URL's host resolves to, all of them public unless {@code allowPrivate}; throws
     * {@link RefusedUrlException} when the host does not resolve or one of its addresses is internal.
     */
    public static List<InetAddress> resolve(URI uri, boolean allowPrivate, Resolver resolver) {
        String host = host(uri);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            throw new UnresolvedHostException("the webhook host '" + host + "' does not resolve to an address");
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnresolvedHostException("the webhook host '" + host + "' does not resolve to an address");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                Optional<String> kind = internalKind(address);
                if (kind.isPresent()) {
                    String what = host.equalsIgnoreCase(address.getHostAddress()) ? "is " + kind.get()
                            : "resolves to " + address.getHostAddress() + ", " + kind.get();
                    throw new RefusedUrlException("the webhook host '" + host + "' " + what
                            + "; webhooks must point at a public address");
                }
            }
        }
        return Arrays.asList(addresses);
    }

    /** What kind of non-public address this is, or empty for a public one. */
    public static Optional<String> internalKind(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("an unspecified (any-local) address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Kind(b);
        }
        if (address instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a unique local (private) address");
            }
            byte[] embedded = null;
            if (v6.isIPv4CompatibleAddress()) {
                embedded = Arrays.copyOfRange(b, 12, 16);
            } else if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
                embedded = Arrays.copyOfRange(b, 12, 16); // NAT64 64:ff9b::/96
            } else if (b[0] == 0x20 && b[1] == 0x02) {
                embedded = Arrays.copyOfRange(b, 2, 6); // 6to4 2002::/16
            }
            if (embedded != null) {
                try {
                    Optional<String> kind = internalKind(InetAddress.getByAddress(embedded));
                    return kind.map(k -> "an IPv6 address embedding " + k);
                } catch (UnknownHostException e) {
                    return Optional.of("an IPv6 address embedding an IPv4 address");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ipv4Kind(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return Optional.of("a 'this network' address (0.0.0.0/8)");
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
        }
        if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
            return Optional.of("an IETF protocol address (192.0.0.0/24)");
        }
        if (first == 198 && (second & 0xfe) == 18) {
            return Optional.of("a benchmarking address (198.18.0.0/15)");
        }
        if (first >= 240) {
            return Optional.of("a reserved or broadcast address (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
