-- Threshold alerts keep their history. A threshold fires at most once per arming: the row of the alert in
-- force has rearmed_at null, and the partial unique index lets only one such row exist per customer, month,
-- dimension and type. A limit raised above usage re-arms the threshold by setting rearmed_at on its row,
-- which stays as history; the threshold can then fire again that month.
alter table quota_alert drop constraint quota_alert_pkey;
alter table quota_alert add column id bigint generated always as identity primary key;
alter table quota_alert add column rearmed_at timestamptz;
create unique index quota_alert_armed on quota_alert (customer_id, month, dimension, alert_type)
    where rearmed_at is null;

-- One row per customer, locked by every event and quota change of that customer, so that two replicas
-- apply them one after the other. It also holds what the rules across months need: the first call seen
-- (history for unusual activity), the last unusual-activity alert (cooldown), the decision-relevant part
-- of the last quota-status published (to publish again only when it changes) and its updatedAt (the next
-- one is always later, whatever the clocks of the replicas).
create table customer_state (
    customer_id        text primary key,
    first_seen_at      timestamptz,
    last_unusual_at    timestamptz,
    status_fingerprint text,
    status_updated_at  timestamptz,
    updated_at         timestamptz not null
);

-- Requests and cost per customer and UTC minute of occurredAt: requests per minute, the last hour of
-- unusual activity. over_limit marks a minute above the customer's requests-per-minute limit (bursts).
-- Pruned after apimeter.quota.minute-counts-retention.
create table minute_activity (
    customer_id text            not null,
    minute      timestamptz     not null,
    requests    integer         not null default 0,
    cost_usd    numeric(30, 12) not null default 0,
    over_limit  boolean         not null default false,
    primary key (customer_id, minute)
);
create index minute_activity_minute on minute_activity (minute);

-- Requests and cost per customer and UTC hour of occurredAt: the baseline of unusual activity.
-- Pruned after apimeter.quota.unusual.baseline-days plus one day.
create table hourly_activity (
    customer_id text            not null,
    hour        timestamptz     not null,
    requests    bigint          not null default 0,
    cost_usd    numeric(30, 12) not null default 0,
    primary key (customer_id, hour)
);
create index hourly_activity_hour on hourly_activity (hour);

-- RATE_LIMIT (window_start = first minute of the burst) and UNUSUAL_ACTIVITY (window_start = minute of
-- the call that tripped it) alerts fired; the unique key makes a second one for the same window impossible.
create table activity_alert (
    id             bigint generated always as identity primary key,
    customer_id    text        not null,
    alert_type     text        not null check (alert_type in ('RATE_LIMIT', 'UNUSUAL_ACTIVITY')),
    window_start   timestamptz not null,
    fired_at       timestamptz not null,
    event_id       uuid        not null,
    cause_event_id uuid,
    unique (customer_id, alert_type, window_start)
);

-- The platform's monthly cost budget: one row at most; a null budget means none.
create table platform_budget (
    id               integer primary key check (id = 1),
    monthly_cost_usd numeric(30, 12) check (monthly_cost_usd > 0),
    warn_at_percent  integer     not null default 80 check (warn_at_percent between 1 and 99),
    updated_at       timestamptz not null
);

-- The platform's cost per month (all customers), added to by every priced usage event under the row's lock.
create table platform_monthly_cost (
    month      text primary key,
    cost_usd   numeric(30, 12) not null default 0,
    updated_at timestamptz     not null
);

-- PLATFORM_COST alerts fired, level WARNING (warn percent of the budget) or EXCEEDED (100%), once per month
-- and level per arming, like quota_alert.
create table platform_alert (
    id                bigint generated always as identity primary key,
    month             text        not null,
    level             text        not null check (level in ('WARNING', 'EXCEEDED')),
    threshold_percent integer     not null,
    fired_at          timestamptz not null,
    event_id          uuid        not null,
    cause_event_id    uuid,
    rearmed_at        timestamptz
);
create unique index platform_alert_armed on platform_alert (month, level) where rearmed_at is null;
