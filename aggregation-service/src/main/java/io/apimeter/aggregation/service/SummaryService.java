package io.apimeter.aggregation.service;

import io.apimeter.aggregation.entity.MonthlyUsage;
import io.apimeter.events.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the monthly totals: per month across customers, and per customer across months. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SummaryService {

    /**
     * One row per customer that used the platform in {@code month}, with the change from the month before.
     *
     * @param customerId only this customer's rows, and totals over them; null for every customer and the
     *                   platform's totals
     */
    public Summaries.MonthSummary month(YearMonth month, SummarySort sort, boolean ascending, String customerId) {
        String current = month.toString();
        String previous = month.minusMonths(1).toString();
        List<MonthlyUsage> rows = customerId == null
                ? MonthlyUsage.list("month in ?1", List.of(current, previous))
                : MonthlyUsage.list("month in ?1 and customerId = ?2", List.of(current, previous), customerId);

        Map<String, CustomerMonth> customers = new HashMap<>();
        Map<String, BigDecimal> previousCost = new HashMap<>();
        Totals platform = new Totals();
        BigDecimal platformPrevious = BigDecimal.ZERO;
        for (MonthlyUsage row : rows) {
            if (row.month.equals(current)) {
                customers.computeIfAbsent(row.customerId, CustomerMonth::new).add(row);
                platform.add(row);
            } else {
                previousCost.merge(row.customerId, row.costUsd, BigDecimal::add);
                platformPrevious = platformPrevious.add(row.costUsd);
            }
        }

        List<CustomerMonth> ordered = new ArrayList<>(customers.values());
        Comparator<CustomerMonth> byKey = switch (sort) {
            case COST -> Comparator.comparing(c -> c.totals.costUsd);
            case CALLS -> Comparator.comparingLong(c -> c.totals.calls);
            case TOKENS -> Comparator.comparingLong(c -> c.totals.tokens());
        };
        ordered.sort((ascending ? byKey : byKey.reversed()).thenComparing(c -> c.customerId));

        List<Summaries.CustomerSummary> items = ordered.stream().map(c -> {
            Totals t = c.totals;
            BigDecimal before = previousCost.getOrDefault(c.customerId, BigDecimal.ZERO);
            return new Summaries.CustomerSummary(c.customerId, t.calls, t.errors, t.inputTokens, t.outputTokens,
                    t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                    t.unpricedCalls, Money.format(before), Money.percent(PercentChange.of(t.costUsd, before)),
                    c.providerViews());
        }).toList();
        Summaries.PlatformTotals totals = new Summaries.PlatformTotals(platform.calls, platform.errors,
                Money.format(platform.costUsd), Money.format(platformPrevious),
                Money.percent(PercentChange.of(platform.costUsd, platformPrevious)));
        return new Summaries.MonthSummary(current, items, totals);
    }

    /** The customer's months from {@code until} back over {@code months} months, newest first; only months with usage. */
    public Summaries.CustomerHistory history(String customerId, YearMonth until, int months) {
        List<MonthlyUsage> rows = MonthlyUsage.list(
                "customerId = ?1 and month >= ?2 and month <= ?3 order by month desc",
                customerId, until.minusMonths(months - 1L).toString(), until.toString());
        Map<String, CustomerMonth> byMonth = new LinkedHashMap<>();
        for (MonthlyUsage row : rows) {
            byMonth.computeIfAbsent(row.month, m -> new CustomerMonth(customerId)).add(row);
        }
        List<Summaries.MonthTotals> items = byMonth.entrySet().stream().map(e -> {
            Totals t = e.getValue().totals;
            return new Summaries.MonthTotals(e.getKey(), t.calls, t.errors, t.inputTokens, t.outputTokens,
                    t.cachedInputTokens, t.reasoningTokens, t.characters, t.callSeconds, Money.format(t.costUsd),
                    t.unpricedCalls, e.getValue().providerViews());
        }).toList();
        return new Summaries.CustomerHistory(customerId, items);
    }

    /** One customer's rows of one month, summed, and kept per provider. */
    private static final class CustomerMonth {
        final String customerId;
        final Totals totals = new Totals();
        final Map<Provider, Totals> providers = new EnumMap<>(Provider.class);

        CustomerMonth(String customerId) {
            this.customerId = customerId;
        }

        void add(MonthlyUsage row) {
            totals.add(row);
            providers.computeIfAbsent(row.provider, p -> new Totals()).add(row);
        }

        Map<Provider, Summaries.ProviderTotals> providerViews() {
            Map<Provider, Summaries.ProviderTotals> views = new EnumMap<>(Provider.class);
            providers.forEach((provider, t) -> views.put(provider, t.view()));
            return views;
        }
    }
}
