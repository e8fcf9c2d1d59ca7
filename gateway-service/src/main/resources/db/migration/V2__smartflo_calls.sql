-- Calls placed through Smartflo click-to-call: whose they are, and whether their billed seconds were metered.
create table smartflo_call (
    call_id        text primary key,
    customer_id    text        not null references customer (id),
    api_key_id     text        not null,
    placed_at      timestamptz not null,
    billed_at      timestamptz,
    billed_seconds bigint
);
create index smartflo_call_customer on smartflo_call (customer_id);
