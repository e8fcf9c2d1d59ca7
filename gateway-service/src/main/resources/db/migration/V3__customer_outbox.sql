-- Customer v1 records for the compacted customers topic, written in the transaction that changes the customer
-- and relayed to Kafka in id order; a row is marked sent only once the broker has acknowledged it.
create table customer_outbox (
    id           bigserial primary key,
    customer_id  text        not null,
    event_id     uuid        not null unique,
    -- the CustomerRecord as JSON, exactly as it goes on the topic
    payload      text        not null,
    updated_at   timestamptz not null,
    created_at   timestamptz not null,
    sent_at      timestamptz,
    attempts     int         not null default 0,
    last_error   text
);
create index customer_outbox_unsent on customer_outbox (id) where sent_at is null;

-- Every customer that exists already is announced once, so that the topic starts complete.
insert into customer_outbox (customer_id, event_id, payload, updated_at, created_at)
select id,
       gen_random_uuid(),
       json_build_object(
           'customerId', id,
           'name', name,
           'contactEmail', email,
           'status', status,
           'updatedAt', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text,
       updated_at,
       now()
from customer
order by created_at, id;
