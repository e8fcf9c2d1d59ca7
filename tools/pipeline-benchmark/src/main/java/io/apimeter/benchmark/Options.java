package io.apimeter.benchmark;

import java.time.Duration;
import java.util.List;

/**
 * What one run does.
 *
 * @param events     usage events to publish (publish mode)
 * @param customers  distinct customers they are spread over, uniformly at random (publish mode)
 * @param bootstrap  Kafka bootstrap servers, loopback only
 * @param pgUrl      JDBC URL of the PostgreSQL server without a database, e.g. {@code jdbc:postgresql://127.0.0.1:5432};
 *                   the databases {@code recorder}, {@code aggregation} and {@code quota} are appended
 * @param pgUser     PostgreSQL user
 * @param pgPassword PostgreSQL password
 * @param timeout    how long the groups may take to catch up, counted from the first publish
 * @param lagOnly    sample the groups' lag for {@code duration} instead of publishing anything
 * @param duration   how long to sample the lag (lag-only mode)
 * @param groups     the consumer groups to watch
 */
record Options(long events, int customers, String bootstrap, String pgUrl, String pgUser, String pgPassword,
               Duration timeout, boolean lagOnly, Duration duration, List<String> groups) {

    /** The three consumer groups of {@code usage-events}: one per counting service. */
    static final List<String> GROUPS = List.of("usage-recorder-service", "aggregation-service", "quota-service");

    Options {
        groups = List.copyOf(groups);
    }
}
