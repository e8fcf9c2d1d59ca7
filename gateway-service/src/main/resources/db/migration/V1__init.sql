-- Customers of the platform, their platform API keys and their own provider credentials.
create table customer (
    id          text primary key,
    name        text        not null,
    email       text        not null,
    status      text        not null default 'ACTIVE',
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

-- A platform API key is shown once; only its keyed hash (HMAC-SHA256) is kept.
create table api_key (
    id           uuid primary key,
    customer_id  text        not null references customer (id),
    prefix       text        not null unique,
    key_hash     bytea       not null,
    name         text,
    created_at   timestamptz not null,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
create index api_key_customer on api_key (customer_id);

-- A customer's own provider key, encrypted with AES-256-GCM under the master key named by key_id.
create table provider_credential (
    customer_id  text        not null references customer (id),
    provider     text        not null,
    key_id       text        not null,
    iv           bytea       not null,
    ciphertext   bytea       not null,
    masked       text        not null,
    updated_at   timestamptz not null,
    primary key (customer_id, provider)
);

-- The price book: effective-dated prices; a call is priced by the entry in effect at its start.
create table price (
    id                 text primary key,
    provider           text          not null,
    model              text          not null,
    unit               text          not null,
    input_per_unit     numeric(30,12),
    output_per_unit    numeric(30,12),
    per_unit           numeric(30,12),
    unit_size          bigint        not null,
    effective_from     timestamptz   not null,
    version            int           not null,
    created_at         timestamptz   not null,
    unique (provider, model, effective_from)
);

-- Defaults of the product brief, in effect since before the platform's first call.
insert into price (id, provider, model, unit, input_per_unit, output_per_unit, per_unit, unit_size, effective_from, version, created_at) values
 ('openai/gpt-4/1',         'OPENAI',     'gpt-4',         'TOKENS',     0.03,   0.06,   null, 1000,  '2020-01-01T00:00:00Z', 1, now()),
 ('openai/gpt-3.5-turbo/1', 'OPENAI',     'gpt-3.5-turbo', 'TOKENS',     0.0005, 0.0015, null, 1000,  '2020-01-01T00:00:00Z', 1, now()),
 ('elevenlabs/default/1',   'ELEVENLABS', '*',             'CHARACTERS', null,   null,   0.30, 10000, '2020-01-01T00:00:00Z', 1, now()),
 ('smartflo/default/1',     'SMARTFLO',   '*',             'SECONDS',    null,   null,   0.02, 60,    '2020-01-01T00:00:00Z', 1, now());
