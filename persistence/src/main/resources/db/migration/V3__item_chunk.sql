-- Chunks of large objects a device is uploading (SyncML MoreData), spooled until the last chunk arrives, so a slow
-- upload holds no memory between messages. Rows of objects that never end are purged after a while.
create table item_chunk (
    device_id  bigint      not null references device (id) on delete cascade,
    datastore  text        not null,
    luid       text        not null,
    idx        int         not null check (idx >= 0),
    data       text        not null,
    created_at timestamptz not null default now(),
    primary key (device_id, datastore, luid, idx)
);
create index item_chunk_age on item_chunk (created_at);
