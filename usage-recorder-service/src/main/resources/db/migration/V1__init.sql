-- One row per metered call, as the gateway reported it. The event id is the idempotency key:
-- a redelivered event hits the primary key and changes nothing.
create table usage_log (
    event_id            uuid primary key,
    customer_id         text        not null,
    api_key_id          text,
    provider            text        not null,
    operation           text        not null,
    model               text,
    priced_model        text,
    occurred_at         timestamptz not null,
    latency_ms          bigint      not null,
    http_status         integer     not null,
    outcome             text        not null,
    input_tokens        bigint      not null,
    output_tokens       bigint      not null,
    cached_input_tokens bigint      not null,
    reasoning_tokens    bigint      not null,
    characters          bigint      not null,
    call_seconds        bigint      not null,
    estimated           boolean     not null,
    -- Unconstrained numeric: the amount is kept exactly as the gateway computed it.
    cost_usd            numeric,
    unpriced            boolean     not null,
    price_id            text,
    price_version       integer,
    recorded_at         timestamptz not null default now()
);

-- Newest-first keyset pagination, per customer and across all customers.
create index usage_log_customer_time_idx on usage_log (customer_id, occurred_at desc, event_id desc);
create index usage_log_time_idx on usage_log (occurred_at desc, event_id desc);
