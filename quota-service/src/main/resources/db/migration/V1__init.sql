-- A customer's limits. A null limit means unlimited; a customer without a row has no limits at all.
create table quota (
    customer_id           text primary key,
    openai_tokens         bigint,
    elevenlabs_characters bigint,
    smartflo_minutes      numeric(30, 12),
    total_cost_usd        numeric(30, 12),
    requests_per_minute   integer,
    warn_at_percent       integer     not null default 80 check (warn_at_percent between 1 and 99),
    enforcement           text        not null default 'ALERT_ONLY' check (enforcement in ('ALERT_ONLY', 'BLOCK')),
    updated_at            timestamptz not null
);

-- What a customer used in one UTC calendar month ('YYYY-MM'), summed from usage events.
create table monthly_usage (
    customer_id           text            not null,
    month                 text            not null,
    openai_tokens         bigint          not null default 0,
    elevenlabs_characters bigint          not null default 0,
    smartflo_seconds      bigint          not null default 0,
    cost_usd              numeric(30, 12) not null default 0,
    calls                 bigint          not null default 0,
    updated_at            timestamptz     not null,
    primary key (customer_id, month)
);

-- Usage events already applied: a redelivered event finds its id here and changes nothing.
create table processed_event (
    event_id     uuid primary key,
    processed_at timestamptz not null
);

-- Thresholds already crossed: each alert fires at most once per customer, month, dimension and type.
create table quota_alert (
    customer_id    text        not null,
    month          text        not null,
    dimension      text        not null,
    alert_type     text        not null,
    fired_at       timestamptz not null,
    event_id       uuid        not null,
    cause_event_id uuid,
    primary key (customer_id, month, dimension, alert_type)
);

-- Events written in the transaction that caused them and relayed to Kafka afterwards, in id order.
create table outbox (
    id          bigint generated always as identity primary key,
    topic       text        not null,
    message_key text        not null,
    event_id    uuid        not null unique,
    event_type  text        not null,
    occurred_at timestamptz not null,
    payload     text        not null,
    created_at  timestamptz not null,
    sent_at     timestamptz,
    attempts    integer     not null default 0,
    last_error  text
);

create index outbox_unsent on outbox (id) where sent_at is null;
