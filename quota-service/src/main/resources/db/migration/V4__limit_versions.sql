-- Every quota a customer has had, from the moment it was set (written by every quota change, in its
-- transaction). A month is judged against the last version set before the month ended: the current month
-- against the quota in force, an earlier month against the limits it had when it ended.
create table quota_version (
    customer_id           text        not null,
    valid_from            timestamptz not null,
    openai_tokens         bigint,
    elevenlabs_characters bigint,
    smartflo_minutes      numeric(30, 12),
    total_cost_usd        numeric(30, 12),
    requests_per_minute   integer,
    warn_at_percent       integer     not null check (warn_at_percent between 1 and 99),
    enforcement           text        not null check (enforcement in ('ALERT_ONLY', 'BLOCK')),
    primary key (customer_id, valid_from)
);

-- The same for the platform's monthly budget (a null budget: none).
create table platform_budget_version (
    valid_from       timestamptz primary key,
    monthly_cost_usd numeric(30, 12) check (monthly_cost_usd > 0),
    warn_at_percent  integer     not null check (warn_at_percent between 1 and 99)
);

-- What was set before these tables existed is not known: the limits in force today stand for every earlier
-- month, as they did until now.
insert into quota_version (customer_id, valid_from, openai_tokens, elevenlabs_characters, smartflo_minutes,
                           total_cost_usd, requests_per_minute, warn_at_percent, enforcement)
select customer_id, timestamptz '1970-01-01 00:00:00+00', openai_tokens, elevenlabs_characters, smartflo_minutes,
       total_cost_usd, requests_per_minute, warn_at_percent, enforcement
from quota;

insert into platform_budget_version (valid_from, monthly_cost_usd, warn_at_percent)
select timestamptz '1970-01-01 00:00:00+00', monthly_cost_usd, warn_at_percent
from platform_budget;
