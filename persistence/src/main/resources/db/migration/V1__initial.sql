-- syncgw schema V1: accounts, their devices, items with a global change sequence, per-device id mappings and
-- anchors, and secrets shared by all gateway nodes. Table and column names are a contract (interop tests query them).

create table account (
    id            bigserial primary key,
    login         text not null unique,
    password_hash text not null,
    md5_digest    text,
    created_at    timestamptz not null default now()
);

create table device (
    id          bigserial primary key,
    account_id  bigint not null references account on delete cascade,
    device_uri  text not null,
    -- lowest positive number not used by another device of the account; unique so that concurrent registrations
    -- of two devices cannot take the same slot
    slot        int not null check (slot > 0),
    active      boolean not null default true,
    nonce       text,
    devinf      text,
    devinf_hash text,
    first_seen  timestamptz,
    last_seen   timestamptz,
    unique (account_id, device_uri),
    unique (account_id, slot)
);

-- every insert, update and tombstone of an item takes the next value: a device is owed a change when the item's
-- change_seq is above the known_seq of its mapping
create sequence item_change_seq;

create table item (
    id           bigserial primary key,
    account_id   bigint not null references account on delete cascade,
    datastore    text not null,
    content_type text not null,
    content      text not null,
    twin_key     text,
    content_hash text,
    change_seq   bigint not null default nextval('item_change_seq'),
    deleted      boolean not null default false,
    updated_at   timestamptz
);

create index item_account_datastore on item (account_id, datastore);
create index item_live_twin on item (account_id, datastore, twin_key) where not deleted;

create table item_map (
    device_id bigint not null references device on delete cascade,
    item_id   bigint not null references item on delete cascade,
    datastore text not null,
    luid      text,
    known_seq bigint not null default 0,
    primary key (device_id, item_id)
);

create unique index item_map_luid on item_map (device_id, datastore, luid) where luid is not null;
-- "is this tombstone still mapped by anyone", and the cascade from item
create index item_map_item on item_map (item_id);

create table sync_anchor (
    device_id    bigint not null references device on delete cascade,
    datastore    text not null,
    client_next  text,
    client_prev  text,
    server_next  text,
    completed_at timestamptz,
    primary key (device_id, datastore)
);

create table server_secret (
    name  text primary key,
    value bytea not null
);
