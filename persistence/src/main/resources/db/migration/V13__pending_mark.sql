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
--     write still in progress holds), or by a change of the device's mapping of it, which lowers the mark below
--     the item (below);
--   * the filter: the mark holds for the category filter it was set with (another filter reads from 0, and sets a
--     mark for itself); a calendar date window moves with the clock, so a query with one reads from 0 and sets none.
--
-- The query sets a mark only if no write batch of the account committed since its snapshot was taken (or is running):
-- it reads account.change_gen, which every batch moves on first, again with a share lock, which waits for a batch in
-- progress and sees the latest version; a batch that starts later waits for the query to end, and then lowers the
-- mark the query set. So a mapping change the query's snapshot could not see is never covered by its mark.
-- (A device's mappings change only in its own sessions, one at a time; this guards a session taken over while its
-- successor writes.)

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
    primary key (device_id, datastore)
);

-- Where a device's mappings change, and how its marks are lowered. Every mapping a write batch drops or moves to
-- another item (an unmap before a duplicate, a reset, a LUID taken by an insert, an update or a Map, a removed
-- mapping, a prune) goes through syncgw_purge_released with the items released: a live one among them is owed to
-- the device again as an Add (if it passes the filter), whatever its change_seq, so the mark goes below it. Maps and
-- detaches set a known sequence, a LUID or the detached flag: syncgw_write_batch lowers the mark below the lower of
-- the known sequence and the item's change_seq once the steps are done. The steps' other mapping writes map the
-- device's own inserts and updates at their new change_seq (above every mark), or drop mappings of tombstones and of
-- items deleted with them (owed nothing). Other writers of item_map: none (a device's removal drops its marks with
-- its mappings). A new path that drops or changes a device's mapping must lower the mark the same way:
-- PendingMarkIT compares, after random writes of every kind, each answer with the answer of a query that reads
-- everything.
create or replace function syncgw_purge_released(p_acc bigint, p_dev bigint, p_items bigint[]) returns void
language plpgsql as $$
begin
    if p_items is null then
        return;
    end if;
    update pending_mark p set mark = b.bound
    from (
        select i.datastore, min(i.change_seq) - 1 as bound
        from item i where i.id = any(p_items) and i.account_id = p_acc and not i.deleted
        group by i.datastore
    ) b
    where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound;
    delete from item i
    where i.id = any(p_items) and i.account_id = p_acc and i.deleted
      and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> p_dev);
end
$$;

create or replace function syncgw_write_batch(
    p_acc bigint, p_dev bigint, p_nonce text default null, p_devinf text default null,
    p_devinf_hash text default null, p_manufacturer text default null, p_model text default null,
    p_claim text default null, p_lease_key text default null, p_lease_seconds int default null,
    p_lock_key int default null, p_update_device boolean default false,
    p_consume_next_sync boolean default false, p_unmaps bigint[] default null, p_resets text[] default null,
    i_ref int[] default null, i_datastore text[] default null, i_content_type text[] default null,
    i_content text[] default null, i_twin_key text[] default null, i_content_hash text[] default null,
    i_luid text[] default null, i_categories text[] default null, i_span_start text[] default null,
    i_span_end text[] default null, i_recurring boolean[] default null, u_item bigint[] default null,
    u_expected bigint[] default null, u_content_type text[] default null, u_content text[] default null,
    u_twin_key text[] default null, u_content_hash text[] default null, u_datastore text[] default null,
    u_luid text[] default null, u_categories text[] default null, u_span_start text[] default null,
    u_span_end text[] default null, u_recurring boolean[] default null, d_item bigint[] default null,
    d_expected bigint[] default null, m_item bigint[] default null, m_datastore text[] default null,
    m_luid text[] default null, m_known_seq bigint[] default null, p_map_removes bigint[] default null,
    x_item bigint[] default null, x_known_seq bigint[] default null, pr_keep_datastore text[] default null,
    pr_keep_luid text[] default null, pr_datastores text[] default null, p_item_prunes text[] default null,
    cd_datastore text[] default null, cd_luid text[] default null, ca_datastore text[] default null,
    ca_luid text[] default null, ca_idx int[] default null, ca_data text[] default null,
    p_resume_clears text[] default null, cp_datastore text[] default null, cp_mode int[] default null,
    cp_client_last text[] default null, cp_luid_datastore text[] default null, cp_luid text[] default null,
    a_datastore text[] default null, a_client_next text[] default null, a_server_next text[] default null,
    p_release_key text default null)
returns table (r_kind text, r_ref int, r_id bigint, r_seq bigint)
language plpgsql as $$
begin
    update account set change_gen = change_gen + 1 where id = p_acc;
    return query select * from syncgw_write_batch_steps(
        p_acc => p_acc, p_dev => p_dev, p_nonce => p_nonce, p_devinf => p_devinf,
        p_devinf_hash => p_devinf_hash, p_manufacturer => p_manufacturer, p_model => p_model,
        p_claim => p_claim, p_lease_key => p_lease_key, p_lease_seconds => p_lease_seconds,
        p_lock_key => p_lock_key, p_update_device => p_update_device,
        p_consume_next_sync => p_consume_next_sync, p_unmaps => p_unmaps, p_resets => p_resets, i_ref => i_ref,
        i_datastore => i_datastore, i_content_type => i_content_type, i_content => i_content,
        i_twin_key => i_twin_key, i_content_hash => i_content_hash, i_luid => i_luid,
        i_categories => i_categories, i_span_start => i_span_start, i_span_end => i_span_end,
        i_recurring => i_recurring, u_item => u_item, u_expected => u_expected,
        u_content_type => u_content_type, u_content => u_content, u_twin_key => u_twin_key,
        u_content_hash => u_content_hash, u_datastore => u_datastore, u_luid => u_luid,
        u_categories => u_categories, u_span_start => u_span_start, u_span_end => u_span_end,
        u_recurring => u_recurring, d_item => d_item, d_expected => d_expected, m_item => m_item,
        m_datastore => m_datastore, m_luid => m_luid, m_known_seq => m_known_seq,
        p_map_removes => p_map_removes, x_item => x_item, x_known_seq => x_known_seq,
        pr_keep_datastore => pr_keep_datastore, pr_keep_luid => pr_keep_luid, pr_datastores => pr_datastores,
        p_item_prunes => p_item_prunes, cd_datastore => cd_datastore, cd_luid => cd_luid,
        ca_datastore => ca_datastore, ca_luid => ca_luid, ca_idx => ca_idx, ca_data => ca_data,
        p_resume_clears => p_resume_clears, cp_datastore => cp_datastore, cp_mode => cp_mode,
        cp_client_last => cp_client_last, cp_luid_datastore => cp_luid_datastore, cp_luid => cp_luid,
        a_datastore => a_datastore, a_client_next => a_client_next, a_server_next => a_server_next,
        p_release_key => p_release_key);
    -- the device's mappings set by Maps and detaches: an item is owed again if its change_seq is above the known
    -- sequence now recorded (or it is outside the filter, or a tombstone): the mark goes below the lower of the two;
    -- a Map of an item gone meanwhile maps a new tombstone to its LUID, taking the LUID from whichever item held it
    -- (that one is owed as an Add): the datastore's mark goes to 0
    if cardinality(m_item) > 0 or cardinality(x_item) > 0 then
        update pending_mark p set mark = b.bound
        from (
            select u.datastore, min(u.bound) as bound
            from (
                select i.datastore, least(m.known_seq, i.change_seq) - 1 as bound
                from item_map m join item i on i.id = m.item_id
                where m.device_id = p_dev and m.item_id = any(coalesce(m_item, '{}') || coalesce(x_item, '{}'))
                union all
                select g.datastore, 0
                from unnest(m_item, m_datastore, m_luid, m_known_seq) as g(item_id, datastore, luid, known_seq)
                where g.luid is not null and g.known_seq is not null
                  and not exists (select 1 from item i where i.id = g.item_id)
            ) u
            group by u.datastore
        ) b
        where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound;
    end if;
end
$$
set plan_cache_mode = force_generic_plan;
