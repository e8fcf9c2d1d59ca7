-- The call log becomes a table partitioned by month of occurred_at (UTC), so that retention drops whole months
-- instead of deleting row by row, and a read bounded in time touches only its months. Every row of the old table
-- is copied, in this one transaction: a failure leaves the old table as it was.
--
-- Partitions are named usage_log_YYYY_MM and hold [first instant of the month, first instant of the next) in UTC.
-- This migration makes one for every month that has rows and for this month and the next two; from then on the
-- service keeps them two months ahead, and makes the partition of any other month before it writes a row of it
-- (a very late or far future call): UsageLogPartitions. There is no default partition: with one, PostgreSQL could
-- not detach an expired month without locking out the writers (DETACH PARTITION ... CONCURRENTLY).
--
-- The primary key becomes (event_id, occurred_at): a key of a partitioned table must hold the partition column.
-- An event keeps its occurred_at on every delivery (the gateway's spool and Smartflo billing send the same event),
-- so "on conflict (event_id, occurred_at) do nothing" still stores each event once.

-- Month arithmetic below (interval '1 month', generate_series) follows the session's time zone: UTC here.
set local timezone = 'UTC';

alter table usage_log rename to usage_log_unpartitioned;
alter index usage_log_pkey rename to usage_log_unpartitioned_pkey;
alter index usage_log_customer_time_idx rename to usage_log_unpartitioned_customer_time_idx;
alter index usage_log_time_idx rename to usage_log_unpartitioned_time_idx;

-- The same columns, in the same order, with their NOT NULLs and defaults.
create table usage_log (like usage_log_unpartitioned including defaults including constraints)
    partition by range (occurred_at);
alter table usage_log add primary key (event_id, occurred_at);

do $$
declare
    month_start timestamptz;
begin
    for month_start in
        select distinct date_trunc('month', occurred_at, 'UTC') from usage_log_unpartitioned
        union
        select generate_series(date_trunc('month', now(), 'UTC'), date_trunc('month', now(), 'UTC') + interval '2 months',
                               interval '1 month')
    loop
        execute format('create table %I partition of usage_log for values from (%L) to (%L)',
                       'usage_log_' || to_char(month_start at time zone 'UTC', 'YYYY_MM'),
                       month_start, month_start + interval '1 month');
    end loop;
end
$$;

insert into usage_log (event_id, customer_id, api_key_id, provider, operation, model, priced_model, occurred_at,
                       latency_ms, http_status, outcome, input_tokens, output_tokens, cached_input_tokens,
                       reasoning_tokens, characters, call_seconds, estimated, cost_usd, unpriced, price_id,
                       price_version, recorded_at)
select event_id, customer_id, api_key_id, provider, operation, model, priced_model, occurred_at, latency_ms,
       http_status, outcome, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, characters,
       call_seconds, estimated, cost_usd, unpriced, price_id, price_version, recorded_at
from usage_log_unpartitioned;

drop table usage_log_unpartitioned;

-- Newest-first keyset pagination, per customer and across all customers; created on the parent, so every
-- partition, present and future, has them.
create index usage_log_customer_time_idx on usage_log (customer_id, occurred_at desc, event_id desc);
create index usage_log_time_idx on usage_log (occurred_at desc, event_id desc);
