-- The pending-changes query (StoreSql.PENDING_CHANGES) joined every item of a datastore with the device's mappings
-- to find the few it owes: a standard session's query read its whole address book (2.6 ms of PostgreSQL a call
-- at 210 contacts, the largest statement of the session: loadtest/RESULTS.md, seventh round). It now reads only
-- the items above a mark, kept per device and datastore in pending_mark:
--
--   * every item below or at the mark was, when the mark was set, settled for the device: not owed, and not about to
--     be (the query sets the mark to the highest change_seq it read, but below the first item it owes);
--   * an item can only become owed by a change of the item, which gives it a new change_seq above every mark (all
--     writes of an account's items run in syncgw_write_batch, which updates the account row before it draws change_seq
--     values, so an account's writes take them in commit order: a query never sets a mark above a change_seq that a
--     write still in progress holds), or by a change of the device's mapping of it: the triggers below lower the
--     mark under every item whose mapping was inserted, updated or deleted (a live item), whatever the statement or
--     path (the write batch's steps, a LUID moving to another item, a detach, a reset, a prune, a cascade);
--   * the filter: the mark holds for the category filter it was set with (another filter reads from 0, and sets a
--     mark for itself); a calendar date window moves with the clock, so a query with one reads from 0 and sets none.
--
-- Every trigger run also moves the row's version on, and the query sets a mark only if the version it read is still
-- the row's (or it read none and none was written since): a mapping change committed while the query ran, which its
-- snapshot could not see, is never covered by a mark set from that snapshot. A device's mappings change only in its
-- own sessions, one at a time, so this guards against a session taken over while its successor writes.
--
-- V11's note of "nothing owed at this generation" (pending_quiet) is replaced: with nothing new above the mark the
-- query reads an empty range of the (account, datastore, change_seq) index. account.change_gen stays: updating it is
-- how a write batch takes the account row first (V11).

drop table pending_quiet;

-- item updates are never HOT (change_seq moves with every write), so the wider index costs no more than the old one
create index item_account_datastore_seq on item (account_id, datastore, change_seq);
drop index item_account_datastore;

create table pending_mark (
    device_id    bigint not null references device on delete cascade,
    datastore    text not null,
    mark         bigint not null,
    any_category text[] not null,
    no_category  text[] not null,
    version      bigint not null,
    primary key (device_id, datastore)
);

-- Lowers the marks of the (device, datastore) pairs in p_dev/p_store to the bounds in p_bound (null: no lower) and
-- moves their versions on; a pair without a mark gets one at 0 (read everything), unless its device is gone.
create function syncgw_lower_marks(p_dev bigint[], p_store text[], p_bound bigint[]) returns void
language plpgsql as $$
begin
    with b as (
        select device_id, datastore, min(bound) as bound
        from unnest(p_dev, p_store, p_bound) as u(device_id, datastore, bound)
        group by device_id, datastore
    ),
    lowered as (
        update pending_mark p set mark = least(p.mark, b.bound), version = p.version + 1
        from b where p.device_id = b.device_id and p.datastore = b.datastore
        returning p.device_id, p.datastore
    )
    insert into pending_mark as p (device_id, datastore, mark, any_category, no_category, version)
    select b.device_id, b.datastore, 0, '{}', '{}', 1 from b
    where not exists (select 1 from lowered l where l.device_id = b.device_id and l.datastore = b.datastore)
      and exists (select 1 from device d where d.id = b.device_id)
    on conflict (device_id, datastore) do update set mark = 0, version = p.version + 1;
end
$$;

-- A new or changed mapping may make its item owed (a LUID given, detached, a lower known_seq, an item outside the
-- filter now mapped): below the lower of its known_seq and the item's change_seq (known_seq is never above the
-- item's change_seq; the lower of the two holds even if it were).
create function syncgw_mark_mapped() returns trigger
language plpgsql as $$
begin
    perform syncgw_lower_marks(array_agg(n.device_id), array_agg(n.datastore),
                               array_agg(least(n.known_seq, i.change_seq) - 1))
    from new_rows n
    left join lateral (select i.change_seq from item i where i.id = n.item_id limit 1) i on true
    having count(*) > 0;
    return null;
end
$$;

-- A live item the device no longer maps (deleted mapping, or one moved to another item) is owed as an Add if it passes
-- the filter, whatever its change_seq. A tombstone or an item gone with its mapping is owed nothing.
create function syncgw_mark_unmapped() returns trigger
language plpgsql as $$
begin
    perform syncgw_lower_marks(array_agg(o.device_id), array_agg(o.datastore), array_agg(i.change_seq - 1))
    from old_rows o
    cross join lateral (select i.change_seq from item i where i.id = o.item_id and not i.deleted limit 1) i
    having count(*) > 0;
    return null;
end
$$;

-- An update is both: the new state may be owed, and the old row's item may no longer be mapped.
--
-- (Each trigger looks its rows' items up one by one, by key: the write batch runs with generic plans (V12), in which
-- a join of a transition table with item reads the whole table.)
create function syncgw_mark_remapped() returns trigger
language plpgsql as $$
begin
    perform syncgw_lower_marks(array_agg(r.device_id), array_agg(r.datastore), array_agg(r.bound))
    from (
        select n.device_id, n.datastore, least(n.known_seq, i.change_seq) - 1 as bound
        from new_rows n
        left join lateral (select i.change_seq from item i where i.id = n.item_id limit 1) i on true
        union all
        select o.device_id, o.datastore, i.change_seq - 1
        from old_rows o
        cross join lateral (select i.change_seq from item i where i.id = o.item_id and not i.deleted limit 1) i
    ) r
    having count(*) > 0;
    return null;
end
$$;

create trigger item_map_mark_insert after insert on item_map referencing new table as new_rows
    for each statement execute function syncgw_mark_mapped();
create trigger item_map_mark_update after update on item_map referencing old table as old_rows new table as new_rows
    for each statement execute function syncgw_mark_remapped();
create trigger item_map_mark_delete after delete on item_map referencing old table as old_rows
    for each statement execute function syncgw_mark_unmapped();
