package io.apimeter.recorder.service;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.time.Instant;

/**
 * What a search of the call log asks for. Every criterion is optional (null means any).
 *
 * @param customerId the customer
 * @param provider   the provider called
 * @param outcome    how the call ended
 * @param model      the model as sent, or the priced model it resolved to
 * @param from       earliest occurredAt, inclusive
 * @param to         latest occurredAt, exclusive
 * @param limit      page size
 * @param after      continue after this row (from the previous page's cursor)
 */
public record UsageLogFilter(
        String customerId,
        Provider provider,
        Outcome outcome,
        String model,
        Instant from,
        Instant to,
        int limit,
        Cursor after) {

    /** The same search, limited to one customer (null: every customer). */
    public UsageLogFilter forCustomer(String customer) {
        return new UsageLogFilter(customer, provider, outcome, model, from, to, limit, after);
    }
}
