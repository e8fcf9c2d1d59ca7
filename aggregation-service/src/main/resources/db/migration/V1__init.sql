-- Totals per billing month (UTC, 'YYYY-MM'), customer and provider. Kept forever.
create table monthly_usage (
    month               text        not null,
    customer_id         text        not null,
    provider            text        not null,
    calls               bigint      not null,
    -- Calls whose outcome was not SUCCESS.
    errors              bigint      not null,
    input_tokens        bigint      not null,
    output_tokens       bigint      not null,
    cached_input_tokens bigint      not null,
    reasoning_tokens    bigint      not null,
    characters          bigint      not null,
    call_seconds        bigint      not null,
    -- Unconstrained numeric: the sum of the gateway's amounts, exact.
    cost_usd            numeric     not null,
    unpriced_calls      bigint      not null,
    updated_at          timestamptz not null,
    primary key (month, customer_id, provider)
);

create index monthly_usage_customer_idx on monthly_usage (customer_id, month desc);

-- Events already added to the totals: the idempotency guard, written in the same transaction.
create table processed_event (
    event_id     uuid primary key,
    processed_at timestamptz not null
);
