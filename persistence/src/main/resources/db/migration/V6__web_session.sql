-- The self-service page (/account/ on the sync port): signed-in sessions, kept here so that every gateway node
-- behind a load balancer knows them, and failed sign-ins, counted here so that the rate limit holds across nodes.

-- token_hash: SHA-256 of the random token in the browser's cookie (the token itself is not stored);
-- csrf: the token every form of the session carries; a session ends after a while without requests (last_seen)
create table web_session (
    token_hash bytea       primary key,
    account_id bigint      not null references account on delete cascade,
    csrf       text        not null,
    created_at timestamptz not null default now(),
    last_seen  timestamptz not null default now()
);
create index web_session_account on web_session (account_id);
create index web_session_last_seen on web_session (last_seen);

-- one row per failed sign-in, per key: 'login:<login in lower case>' and 'ip:<client address>'
create table web_signin_failure (
    key       text        not null,
    failed_at timestamptz not null default now()
);
create index web_signin_failure_key on web_signin_failure (key, failed_at);
create index web_signin_failure_age on web_signin_failure (failed_at);
