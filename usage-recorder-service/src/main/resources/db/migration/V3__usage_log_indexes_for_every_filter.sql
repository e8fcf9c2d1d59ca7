-- Indexes for every filter of GET /usage-logs (customer, provider, outcome, model, time range), each ending in the
-- log's order (occurred_at desc, event_id desc), so that a page is read from index ranges and never from a scan of
-- a month. The columns a filter fixes by equality come first; provider and outcome, which have few values, come
-- last before the order, and a search that leaves them open reads one range per value and merges the ranges
-- (UsageLogQuery). The model filter matches the model as sent or the priced model it resolved to: the priced model
-- is indexed only where it differs from the model sent, so that the two ranges never hold the same row.
--
-- Made on the partitioned table: every month's partition, present and future, gets them.

-- A customer's log, newest first: now (customer_id, provider, outcome, ...), which also serves it.
drop index usage_log_customer_time_idx;

create index usage_log_customer_idx
    on usage_log (customer_id, provider, outcome, occurred_at desc, event_id desc);
create index usage_log_provider_idx
    on usage_log (provider, outcome, occurred_at desc, event_id desc);
create index usage_log_model_idx
    on usage_log (model, provider, outcome, occurred_at desc, event_id desc)
    where model is not null;
create index usage_log_priced_model_idx
    on usage_log (nullif(priced_model, model), provider, outcome, occurred_at desc, event_id desc)
    where priced_model is distinct from model;
create index usage_log_customer_model_idx
    on usage_log (customer_id, model, provider, outcome, occurred_at desc, event_id desc)
    where model is not null;
create index usage_log_customer_priced_model_idx
    on usage_log (customer_id, nullif(priced_model, model), provider, outcome, occurred_at desc, event_id desc)
    where priced_model is distinct from model;
