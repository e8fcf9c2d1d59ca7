package io.apimeter.alert.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookAddressesTest {

    /** Name resolution without DNS: IP literals as they are, a few names as a DNS server might answer them. */
    private static final WebhookAddresses.Resolver RESOLVER = host -> switch (host) {
        case "hooks.example.com" -> new InetAddress[] {InetAddress.getByName("93.184.215.14")};
        case "mixed.example.com" -> new InetAddress[] {InetAddress.getByName("93.184.215.14"),
                InetAddress.getByName("10.1.2.3")};
        case "metadata.example.com" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
        case "localhost" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        case "nowhere.example.com" -> throw new UnknownHostException(host);
        default -> InetAddress.getAllByName(host);
    };

    private static List<InetAddress> check(String url) {
        return WebhookAddresses.resolve(WebhookAddresses.parse(url), false, RESOLVER);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://hooks.example.com/apimeter",
            "http://hooks.example.com:8443/a/b?x=1",
            "https://93.184.215.14/hook",
            "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
            "HTTPS://hooks.example.com/upper-case-scheme",
    })
    void shouldAcceptAPublicHttpUrl(String url) {
        assertFalse(check(url).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/hook",
            "http://127.8.9.10/hook",
            "http://localhost:8080/hook",
            "http://[::1]/hook",
            "http://0.0.0.0/hook",
            "http://[::]/hook",
            "http://10.0.0.5/hook",
            "http://172.16.0.1/hook",
            "http://172.31.255.255/hook",
            "http://192.168.1.10/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://metadata.example.com/",
            "http://[fe80::1]/hook",
            "http://[fc00::1]/hook",
            "http://[fd12:3456:789a::1]/hook",
            "http://100.64.0.1/hook",
            "http://100.127.255.254/hook",
            "http://224.0.0.1/hook",
            "http://[ff02::1]/hook",
            "http://255.255.255.255/hook",
            "http://[::ffff:10.0.0.1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://[64:ff9b::a9fe:a9fe]/hook",
            "http://[2002:c0a8:0101::1]/hook",
            "http://mixed.example.com/hook",
    })
    void shouldRefuseAHostThatIsOrResolvesToAnInternalAddress(String url) {
        WebhookAddresses.RefusedUrlException e = assertThrows(WebhookAddresses.RefusedUrlException.class,
                () -> check(url));
        assertTrue(e.getMessage().contains("webhooks must point at a public address"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ftp://hooks.example.com/hook",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "//hooks.example.com/hook",
            "/hook",
            "hooks.example.com/hook",
            "https://user:secret@hooks.example.com/hook",
            "https://user@hooks.example.com/hook",
            "https://127.0.0.1:80@hooks.example.com/hook",
            "https://hooks.example.com/hook#fragment",
            "https:///hook",
            "http://exa mple.com/",
            "",
            "   ",
    })
    void shouldRefuseAUrlThatIsNotAnAbsoluteHttpUrlWithoutUserInfo(String url) {
        assertThrows(WebhookAddresses.RefusedUrlException.class, () -> WebhookAddresses.parse(url));
    }

    @Test
    void shouldRefuseNoUrlAndAVeryLongOne() {
        assertThrows(WebhookAddresses.RefusedUrlException.class, () -> WebhookAddresses.parse(null));
        assertThrows(WebhookAddresses.RefusedUrlException.class,
                () -> WebhookAddresses.parse("https://hooks.example.com/" + "a".repeat(2000)));
    }

    @Test
    void shouldTellAHostThatDoesNotResolveFromAnInternalOne() {
        assertInstanceOf(WebhookAddresses.UnresolvedHostException.class,
                assertThrows(WebhookAddresses.RefusedUrlException.class, () -> check("https://nowhere.example.com/")));
        WebhookAddresses.RefusedUrlException internal = assertThrows(WebhookAddresses.RefusedUrlException.class,
                () -> check("https://metadata.example.com/"));
        assertFalse(internal instanceof WebhookAddresses.UnresolvedHostException);
        assertEquals("the webhook host 'metadata.example.com' resolves to 169.254.169.254, a link-local address;"
                + " webhooks must point at a public address", internal.getMessage());
    }

    @Test
    void shouldAllowInternalAddressesOnlyWhenSwitchedOn() {
        URI local = WebhookAddresses.parse("http://127.0.0.1:8080/hook");
        assertEquals("127.0.0.1", WebhookAddresses.resolve(local, true, RESOLVER).get(0).getHostAddress());
        assertThrows(WebhookAddresses.RefusedUrlException.class, () -> WebhookAddresses.resolve(local, false, RESOLVER));
    }

    @Test
    void shouldNameTheKindOfAddress() throws Exception {
        assertEquals("a loopback address", WebhookAddresses.internalKind(InetAddress.getByName("127.0.0.1")).orElseThrow());
        assertEquals("a private address", WebhookAddresses.internalKind(InetAddress.getByName("192.168.0.1")).orElseThrow());
        assertEquals("a carrier-grade NAT address (100.64.0.0/10)",
                WebhookAddresses.internalKind(InetAddress.getByName("100.64.0.1")).orElseThrow());
        assertEquals("a unique local (private) address",
                WebhookAddresses.internalKind(InetAddress.getByName("fd00::1")).orElseThrow());
        assertTrue(WebhookAddresses.internalKind(InetAddress.getByName("100.128.0.1")).isEmpty());
        assertTrue(WebhookAddresses.internalKind(InetAddress.getByName("172.32.0.1")).isEmpty());
        assertTrue(WebhookAddresses.internalKind(InetAddress.getByName("8.8.8.8")).isEmpty());
    }
}
