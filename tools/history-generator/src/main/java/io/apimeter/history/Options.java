package io.apimeter.history;

import java.time.Instant;
import java.util.Objects;

/**
 * What one run generates and where it writes it.
 *
 * @param rows           rows of usage_log to write, exactly
 * @param customers      customers the rows are spread over
 * @param months         UTC calendar months of history, the last one being the month of {@code end}
 * @param end            the history ends just before this instant (exclusive)
 * @param seed           seed of everything generated: the same options give the same rows
 * @param skew           Zipf exponent of the customers' sizes: 0 all alike, 1 a few very big ones
 * @param customerPrefix customer ids are this prefix and a number, e.g. {@code gen-00042}
 * @param recorderUrl    JDBC URL of usage-recorder-service's database (table usage_log)
 * @param aggregationUrl JDBC URL of aggregation-service's database (table monthly_usage)
 * @param user           database user, for both
 * @param password       database password, for both
 * @param streams        COPY statements into usage_log at once, each on a connection of its own
 */
record Options(long rows, int customers, int months, Instant end, long seed, double skew, String customerPrefix,
               String recorderUrl, String aggregationUrl, String user, String password, int streams) {

    Options {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(customerPrefix, "customerPrefix");
        Objects.requireNonNull(recorderUrl, "recorderUrl");
        Objects.requireNonNull(aggregationUrl, "aggregationUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }
}
