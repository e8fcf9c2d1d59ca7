-- A customer's totals of a month over all its providers: what the month's list is sorted and paged by, without
-- summing every provider row of every customer on each request. Written in the same transaction as monthly_usage,
-- with the same amounts, so the two always agree. Kept forever.
create table customer_monthly_usage (
    month               text        not null,
    customer_id         text        not null,
    calls               bigint      not null,
    errors              bigint      not null,
    input_tokens        bigint      not null,
    output_tokens       bigint      not null,
    cached_input_tokens bigint      not null,
    reasoning_tokens    bigint      not null,
    characters          bigint      not null,
    call_seconds        bigint      not null,
    cost_usd            numeric     not null,
    unpriced_calls      bigint      not null,
    updated_at          timestamptz not null,
    primary key (month, customer_id)
);

insert into customer_monthly_usage (month, customer_id, calls, errors, input_tokens, output_tokens,
    cached_input_tokens, reasoning_tokens, characters, call_seconds, cost_usd, unpriced_calls, updated_at)
select month, customer_id, sum(calls), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
    sum(reasoning_tokens), sum(characters), sum(call_seconds), sum(cost_usd), sum(unpriced_calls), max(updated_at)
from monthly_usage
group by month, customer_id;
