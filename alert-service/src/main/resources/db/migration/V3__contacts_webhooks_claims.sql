-- The contact of each customer as last published on the compacted customers topic. A record is applied only
-- when its updated_at is newer than the stored one, so redelivered and out-of-order records change nothing.
create table customer_contact (
    customer_id   text primary key,
    name          text,
    -- null when the record names no usable address: the customer then gets no mail
    contact_email text,
    status        text        not null,
    updated_at    timestamptz not null,
    received_at   timestamptz not null
);

-- One webhook per customer. Its signing secret is derived from the service's signing key and the webhook id,
-- so nothing secret is stored; replacing the webhook gives it a new id and thus a new secret.
create table webhook (
    id          uuid primary key,
    customer_id text        not null unique,
    url         text        not null,
    created_at  timestamptz not null
);

-- Notifications now go to admins (mail), to the customer's contact (mail) and to the customer's webhook.
alter table notification drop constraint notification_channel_check;
alter table notification
    add constraint notification_channel_check check (channel in ('EMAIL', 'WEBHOOK')),
    -- ADMIN: the platform's admins; CUSTOMER: the customer the alert is about (its contact or its webhook)
    add column audience    text not null default 'ADMIN' check (audience in ('ADMIN', 'CUSTOMER')),
    -- the webhook the row was last sent to (rows of channel WEBHOOK only)
    add column webhook_id  uuid,
    -- the sender run that has claimed the row; its lease ends at next_attempt_at
    add column claim_token uuid;

create index alert_type_newest on alert (type, occurred_at desc);
