-- One row per alert event; the id is the event's eventId, so a redelivered event finds its row and changes nothing.
create table alert (
    id                uuid primary key,
    type              text        not null,
    customer_id       text        not null,
    dimension         text,
    month             text,
    threshold_percent integer,
    used              numeric,
    limit_value       numeric,
    message           text        not null,
    occurred_at       timestamptz not null,
    cause_event_id    uuid,
    status            text        not null default 'ACTIVE' check (status in ('ACTIVE', 'SEEN', 'RESOLVED')),
    created_at        timestamptz not null,
    seen_at           timestamptz,
    resolved_at       timestamptz
);

create index alert_newest on alert (occurred_at desc, created_at desc);
create index alert_status_newest on alert (status, occurred_at desc);
create index alert_customer_newest on alert (customer_id, occurred_at desc);

-- One message to send per alert, channel and recipient; written with the alert, sent by the notification sender.
create table notification (
    id              bigint generated always as identity primary key,
    alert_id        uuid        not null references alert (id),
    channel         text        not null check (channel in ('EMAIL')),
    recipient       text        not null,
    status          text        not null default 'PENDING' check (status in ('PENDING', 'SENT', 'FAILED')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz not null,
    unique (alert_id, channel, recipient)
);

create index notification_due on notification (next_attempt_at, id) where status = 'PENDING';
