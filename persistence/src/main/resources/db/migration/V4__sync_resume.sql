-- Checkpoints of syncs that move whole datastores (slow sync, refresh): if the session is cut off (the user
-- suspends, the connection drops), the next session resumes it (Alert 225) without resending what arrived.
create table sync_resume (
    device_id   bigint      not null references device (id) on delete cascade,
    datastore   text        not null,
    mode        int         not null,
    client_last text,
    updated_at  timestamptz not null default now(),
    primary key (device_id, datastore)
);

-- the items a slow sync or refresh from the client had received when it was cut off
create table sync_resume_luid (
    device_id bigint not null,
    datastore text   not null,
    luid      text   not null,
    primary key (device_id, datastore, luid),
    foreign key (device_id, datastore) references sync_resume (device_id, datastore) on delete cascade
);
