package io.apimeter.alert.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdminRecipientsTest {

    @Test
    void shouldTrimDropBlanksAndDuplicates() {
        assertEquals(List.of("ops@example.com", "cfo@example.com"),
                AdminRecipients.parse(List.of(" ops@example.com", "", "cfo@example.com", "OPS@example.com")));
    }

    @Test
    void shouldRefuseSomethingThatIsNotAnAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdminRecipients.parse(List.of("ops@example.com", "nobody")));
        assertEquals("apimeter.alert.admin-emails: not an email address: 'nobody'", e.getMessage());
    }
}
