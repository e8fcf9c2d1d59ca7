package io.apimeter.common.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the batch consumers: down while one of them retries a batch it cannot apply (its database or
 * broker is away), with the reason, so an operator sees the stall where it happens.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {
    private final ConsumerLoops loops;

    public ConsumerReadiness(ConsumerLoops loops) {
        this.loops = loops;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("consumers").up();
        for (BatchConsumer<?> consumer : loops.consumers()) {
            if (consumer.finished()) {
                response.down().withData(consumer.name(), "stopped");
            } else if (consumer.stalled()) {
                response.down().withData(consumer.name(), "retrying: " + consumer.lastFailure());
            } else {
                response.withData(consumer.name(), "running");
            }
        }
        return response.build();
    }
}
