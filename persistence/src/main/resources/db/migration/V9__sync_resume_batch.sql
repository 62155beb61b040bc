-- The LUIDs a cut-off slow sync or refresh had received, one row per message (an array) instead of one row per item:
-- a first sync of a few hundred contacts wrote as many index entries again for its checkpoint as for the items.
create table sync_resume_batch (
    device_id bigint not null,
    datastore text   not null,
    luids     text[] not null,
    foreign key (device_id, datastore) references sync_resume (device_id, datastore) on delete cascade
);
create index sync_resume_batch_device on sync_resume_batch (device_id, datastore);

insert into sync_resume_batch (device_id, datastore, luids)
select device_id, datastore, array_agg(luid) from sync_resume_luid group by device_id, datastore;

drop table sync_resume_luid;
