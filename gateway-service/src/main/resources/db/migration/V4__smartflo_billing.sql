-- Smartflo calls billed from Smartflo's own records: each customer's webhook secret, and per call what was billed
-- (seconds and cost, corrected by adjustments) and when the gateway next looks the call up in Smartflo's records.

-- The secret Smartflo signs a customer's call records with (HMAC-SHA256), encrypted with AES-256-GCM under the
-- master key named by key_id, like provider credentials. After a rotation the previous secret is still accepted
-- until previous_valid_until.
create table smartflo_webhook_secret (
    customer_id          text primary key references customer (id),
    key_id               text        not null,
    iv                   bytea       not null,
    ciphertext           bytea       not null,
    created_at           timestamptz not null,
    previous_key_id      text,
    previous_iv          bytea,
    previous_ciphertext  bytea,
    previous_valid_until timestamptz
);

alter table smartflo_call
    -- what billed_seconds cost when billed: the base of the next adjustment; null when unpriced
    add column billed_cost       numeric(30, 12),
    -- where the seconds billed last came from: WEBHOOK or RECORDS_API
    add column billed_by         text,
    -- corrections metered so far: part of the next adjustment's event id
    add column adjustments       integer     not null default 0,
    -- when reconciliation next asks Smartflo's call records API about the call, while it is unbilled
    add column next_check_at     timestamptz,
    -- how often it asked
    add column checks            integer     not null default 0,
    -- when the UNBILLED_CALL alert was taken by the broker (the alert is raised once per call)
    add column unbilled_alert_at timestamptz;

-- Calls placed before this migration and still unbilled are looked up at the next run.
update smartflo_call set next_check_at = placed_at where billed_at is null;

create index smartflo_call_unbilled on smartflo_call (next_check_at) where billed_at is null;
