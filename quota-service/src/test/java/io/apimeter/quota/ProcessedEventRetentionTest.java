package io.apimeter.quota;

import static io.apimeter.quota.QuotaTestKafka.openai;
import static io.apimeter.testkit.SampleEvents.newCustomer;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.UsageEvent;
import io.apimeter.quota.messaging.ProcessedEventPruner;
import io.apimeter.quota.service.QuotaService;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A redelivered usage event is ignored for the retention (30 days); after it, its id is forgotten. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "quota"))
class ProcessedEventRetentionTest {
    @Inject
    QuotaService quotas;
    @Inject
    ProcessedEventPruner pruner;

    @Test
    void shouldRememberAppliedEventsForTheRetentionOnly() throws Exception {
        Instant now = Instant.now();
        UsageEvent event = openai(newCustomer(), 100, now);
        assertTrue(quotas.apply(event), "applied the first time");

        pruner.prune(now.plus(Duration.ofDays(29)));
        assertFalse(quotas.apply(event), "a redelivery within the retention changes nothing");

        pruner.prune(now.plus(Duration.ofDays(31)));
        assertTrue(quotas.apply(event), "after the retention the id is forgotten (and the event would count again)");
    }
}
