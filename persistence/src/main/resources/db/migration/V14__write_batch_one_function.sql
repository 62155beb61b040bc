-- The write batch in one function again, with fewer statements inside it. A standard two-way session's two write
-- batches ran 45 statements inside PostgreSQL (pg_stat_statements, track = all: loadtest/RESULTS.md, eighth round):
-- V11's wrapper called V10's function as a set-returning function of 67 arguments (its result kept in a tuplestore
-- and returned again), and the tombstone purge after a device's Delete was a function calling a function of two
-- statements. Every statement inside PL/pgSQL costs an executor start, a snapshot and an end, whatever it does.
--
--   * syncgw_write_batch holds the steps itself (V10's body, with V11's account update first and V13's lowering of
--     the pending marks); syncgw_write_batch_steps goes;
--   * syncgw_purge_released and syncgw_unmap_items are one statement each (the mark lowered in a data-modifying CTE);
--     a step calls the purge only when it released something;
--   * Maps and detaches lower the pending mark in the statement that writes the mappings, from the rows it returns,
--     instead of reading the mappings again after the steps.
--
-- The rules of V13 hold unchanged: every mapping dropped or moved to another item goes through
-- syncgw_purge_released (or syncgw_unmap_items, which does the same for the mappings it drops), and a Map or detach
-- lowers the mark below the lower of the known sequence it records and the item's change_seq (to 0 for a Map of an
-- item gone meanwhile, whose new tombstone takes the LUID from whichever item held it). Lowering at the step instead
-- of after the steps lowers at least as far: a later step of the same batch that changes the mapping again lowers
-- for itself. PendingMarkIT checks the answers with the marks against the answers without them.

-- Lowers device p_dev's marks below the live items among p_items (mappings of the device just dropped or moved: owed
-- again as Adds) and deletes the tombstones among them that no other device maps.
create or replace function syncgw_purge_released(p_acc bigint, p_dev bigint, p_items bigint[]) returns void
language plpgsql as $$
begin
    if p_items is null then
        return;
    end if;
    with lowered as (
        update pending_mark p set mark = b.bound
        from (
            select i.datastore, min(i.change_seq) - 1 as bound
            from item i where i.id = any(p_items) and i.account_id = p_acc and not i.deleted
            group by i.datastore
        ) b
        where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound
    )
    delete from item i
    where i.id = any(p_items) and i.account_id = p_acc and i.deleted
      and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> p_dev);
end
$$;

-- Drops device p_dev's mappings of p_items, lowers its marks below the live items among them and purges the
-- tombstones among them that no other device maps (a device's Delete done: the usual case). One statement: the
-- statement's snapshot still shows the dropped mappings, which the purge's test of other devices' mappings ignores.
create or replace function syncgw_unmap_items(p_acc bigint, p_dev bigint, p_items bigint[]) returns void
language plpgsql as $$
begin
    with released as (
        delete from item_map where device_id = p_dev and item_id = any(p_items) returning item_id
    ),
    lowered as (
        update pending_mark p set mark = b.bound
        from (
            select i.datastore, min(i.change_seq) - 1 as bound
            from item i join released r on r.item_id = i.id
            where i.account_id = p_acc and not i.deleted
            group by i.datastore
        ) b
        where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound
    )
    delete from item i using released r
    where i.id = r.item_id and i.account_id = p_acc and i.deleted
      and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> p_dev);
end
$$;

-- V10's body (its header says what each parameter and result row is), with the changes above.
create or replace function syncgw_write_batch(
    p_acc bigint, p_dev bigint, p_nonce text default null, p_devinf text default null,
    p_devinf_hash text default null, p_manufacturer text default null, p_model text default null,
    p_claim text default null, p_lease_key text default null, p_lease_seconds int default null,
    p_lock_key int default null, p_update_device boolean default false, p_consume_next_sync boolean default false,
    p_unmaps bigint[] default null, p_resets text[] default null, i_ref int[] default null,
    i_datastore text[] default null, i_content_type text[] default null, i_content text[] default null,
    i_twin_key text[] default null, i_content_hash text[] default null, i_luid text[] default null,
    i_categories text[] default null, i_span_start text[] default null, i_span_end text[] default null,
    i_recurring boolean[] default null, u_item bigint[] default null, u_expected bigint[] default null,
    u_content_type text[] default null, u_content text[] default null, u_twin_key text[] default null,
    u_content_hash text[] default null, u_datastore text[] default null, u_luid text[] default null,
    u_categories text[] default null, u_span_start text[] default null, u_span_end text[] default null,
    u_recurring boolean[] default null, d_item bigint[] default null, d_expected bigint[] default null,
    m_item bigint[] default null, m_datastore text[] default null, m_luid text[] default null,
    m_known_seq bigint[] default null, p_map_removes bigint[] default null, x_item bigint[] default null,
    x_known_seq bigint[] default null, pr_keep_datastore text[] default null, pr_keep_luid text[] default null,
    pr_datastores text[] default null, p_item_prunes text[] default null, cd_datastore text[] default null,
    cd_luid text[] default null, ca_datastore text[] default null, ca_luid text[] default null,
    ca_idx int[] default null, ca_data text[] default null, p_resume_clears text[] default null,
    cp_datastore text[] default null, cp_mode int[] default null, cp_client_last text[] default null,
    cp_luid_datastore text[] default null, cp_luid text[] default null, a_datastore text[] default null,
    a_client_next text[] default null, a_server_next text[] default null, p_release_key text default null)
returns table (r_kind text, r_ref int, r_id bigint, r_seq bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    v_released bigint[];
    v_ins_ref int[];
    v_ins_id bigint[];
    v_ins_seq bigint[];
    v_upd_id bigint[];
    v_upd_seq bigint[];
    v_del_id bigint[];
    v_del_seq bigint[];
    v_count bigint;
begin
    -- the account row first (V11): it orders the account's batches and their change_seq values (V13), and the
    -- steps' foreign-key checks then find it locked by this transaction already
    update account set change_gen = change_gen + 1 where id = p_acc;

    -- the device row is written once per batch, first: a claim (a device held by another session refuses the whole
    -- batch before anything is written), a new nonce or DevInf (the text is not rewritten when its hash is equal),
    -- the anchors' last_sync (what the account owner sees), the session letting go, the forced next sync applied
    if p_claim is not null or p_update_device or p_release_key is not null or p_consume_next_sync
       or cardinality(a_datastore) > 0 then
        update device set
            nonce = coalesce(p_nonce, nonce),
            devinf = case when p_devinf_hash is null or devinf_hash is not distinct from p_devinf_hash then devinf
                          else p_devinf end,
            devinf_hash = coalesce(p_devinf_hash, devinf_hash),
            manufacturer = coalesce(p_manufacturer, manufacturer),
            model = coalesce(p_model, model),
            last_seen = case when p_claim is not null or p_update_device then now() else last_seen end,
            last_sync = case when cardinality(a_datastore) > 0 then now() else last_sync end,
            next_sync = case when p_consume_next_sync then 'normal' else next_sync end,
            session_key = case when p_claim is not null then p_lease_key else session_key end,
            session_until = case when p_claim = 'CLAIM_RELEASE' then null
                                 when p_claim is not null then now() + make_interval(secs => p_lease_seconds)
                                 when session_key = p_release_key then null
                                 else session_until end
        where id = p_dev and account_id = p_acc
          and (p_claim is null or p_claim = 'TAKE_OVER' or session_key is null or session_key = p_lease_key
               or session_until is null or session_until <= now());
        if not found and p_claim is not null then
            return query select 'BUSY'::text, null::int, null::bigint, null::bigint;
            return;
        end if;
    end if;

    if p_lock_key is not null then
        perform pg_advisory_xact_lock(21319, p_lock_key);
    end if;

    -- before inserts: the LUID of a duplicated conflict moves to the new item
    if cardinality(p_unmaps) > 0 then
        perform syncgw_unmap_items(p_acc, p_dev, p_unmaps);
    end if;

    if cardinality(p_resets) > 0 then
        with released as (
            delete from item_map where device_id = p_dev and datastore = any(p_resets) returning item_id
        )
        select array_agg(item_id) into v_released from released;
        if v_released is not null then
            perform syncgw_purge_released(p_acc, p_dev, v_released);
        end if;
    end if;

    -- ids and sequence numbers drawn first so the result pairs them with the caller's refs; a mapping of the device
    -- that already uses the LUID moves to the new item
    if cardinality(i_ref) > 0 then
        with input as materialized (
            select nextval('item_id_seq') as id, nextval('item_change_seq') as seq, u.*
            from unnest(i_ref, i_datastore, i_content_type, i_content, i_twin_key, i_content_hash, i_luid,
                        i_categories, i_span_start, i_span_end, i_recurring)
                 as u(ref, datastore, content_type, content, twin_key, content_hash, luid, categories, span_start,
                      span_end, recurring)
        ),
        released as (
            select m.item_id from item_map m join input n
              on m.device_id = p_dev and m.datastore = n.datastore and m.luid = n.luid
        ),
        items as (
            insert into item (id, account_id, datastore, content_type, content, twin_key, content_hash,
                              change_seq, deleted, updated_at, categories, span_start, span_end, recurring)
            select id, p_acc, datastore, content_type, content, twin_key, content_hash, seq, false, now(),
                   string_to_array(categories, chr(31)), span_start::timestamptz, span_end::timestamptz, recurring
            from input
        ),
        mapped as (
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select p_dev, id, datastore, luid, seq from input
            on conflict (device_id, datastore, luid) where luid is not null
            do update set item_id = excluded.item_id, known_seq = excluded.known_seq
        )
        select array_agg(ref), array_agg(id), array_agg(seq), (select array_agg(item_id) from released)
        into v_ins_ref, v_ins_id, v_ins_seq, v_released
        from input;
        if v_released is not null then
            perform syncgw_purge_released(p_acc, p_dev, v_released);
        end if;
    end if;

    -- applies the updates still at the expected sequence (or without one), releases the LUIDs they take from other
    -- items of the device, then maps the device to the new versions
    if cardinality(u_item) > 0 then
        with input as (
            select * from unnest(u_item, u_expected, u_content_type, u_content, u_twin_key, u_content_hash,
                                 u_datastore, u_luid, u_categories, u_span_start, u_span_end, u_recurring)
                 as u(item_id, expected, content_type, content, twin_key, content_hash, datastore, luid,
                      categories, span_start, span_end, recurring)
        ),
        updated as (
            update item i set content_type = u.content_type, content = u.content, twin_key = u.twin_key,
                              content_hash = u.content_hash, deleted = false,
                              change_seq = nextval('item_change_seq'), updated_at = now(),
                              categories = string_to_array(u.categories, chr(31)),
                              span_start = u.span_start::timestamptz, span_end = u.span_end::timestamptz,
                              recurring = u.recurring
            from input u
            where i.id = u.item_id and i.account_id = p_acc and (u.expected is null or i.change_seq = u.expected)
            returning i.id, i.change_seq
        ),
        released as (
            delete from item_map m using updated d join input u on u.item_id = d.id
            where m.device_id = p_dev and m.datastore = u.datastore and m.luid = u.luid and m.item_id <> d.id
            returning m.item_id
        )
        select array_agg(id), array_agg(change_seq), (select array_agg(item_id) from released)
        into v_upd_id, v_upd_seq, v_released
        from updated;
        if v_released is not null then
            perform syncgw_purge_released(p_acc, p_dev, v_released);
        end if;
        if v_upd_id is not null then
            -- the first update of an item names its datastore and LUID
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select distinct on (u.item_id) p_dev, u.item_id, u.datastore, u.luid, d.seq
            from unnest(u_item, u_datastore, u_luid) with ordinality as u(item_id, datastore, luid, ord)
            join unnest(v_upd_id, v_upd_seq) as d(id, seq) on d.id = u.item_id
            order by u.item_id, u.ord
            on conflict (device_id, item_id)
            do update set datastore = excluded.datastore, luid = excluded.luid, known_seq = excluded.known_seq,
                          detached = false;
        end if;
    end if;

    -- an item another device maps becomes a tombstone (and loses this device's mapping); any other goes at once
    if cardinality(d_item) > 0 then
        with input as (
            select * from unnest(d_item, d_expected) as u(item_id, expected)
        ),
        shared as materialized (
            select u.item_id,
                   exists (select 1 from item_map m where m.item_id = u.item_id and m.device_id <> p_dev) as shared
            from input u
        ),
        tomb as (
            update item i set deleted = true, content = '', change_seq = nextval('item_change_seq'),
                              updated_at = now()
            from input u join shared s on s.item_id = u.item_id
            where i.id = u.item_id and i.account_id = p_acc and (u.expected is null or i.change_seq = u.expected)
              and s.shared
            returning i.id, i.change_seq
        ),
        unmapped as (
            delete from item_map m using tomb t where m.device_id = p_dev and m.item_id = t.id
        ),
        gone as (
            delete from item i using input u join shared s on s.item_id = u.item_id
            where i.id = u.item_id and i.account_id = p_acc and (u.expected is null or i.change_seq = u.expected)
              and not s.shared
            returning i.id, nextval('item_change_seq') as change_seq
        )
        select array_agg(id), array_agg(change_seq) into v_del_id, v_del_seq
        from (select id, change_seq from tomb union all select id, change_seq from gone) d;
    end if;

    if cardinality(m_item) > 0 then
        -- frees the LUIDs the mappings are about to take from other items of the device (items of the account only)
        if exists (select 1 from unnest(m_luid) as l(luid) where luid is not null) then
            with input as (
                select * from unnest(m_item, m_datastore, m_luid) as u(item_id, datastore, luid)
            ),
            released as (
                delete from item_map m using input u
                where u.luid is not null and m.device_id = p_dev and m.datastore = u.datastore and m.luid = u.luid
                  and m.item_id <> u.item_id
                  and exists (select 1 from item i where i.id = u.item_id and i.account_id = p_acc)
                returning m.item_id
            )
            select array_agg(item_id) into v_released from released;
            if v_released is not null then
                perform syncgw_purge_released(p_acc, p_dev, v_released);
            end if;
        end if;
        -- items of another account are skipped, and so are items that no longer exist, except: an item sent in this
        -- session (a known sequence given) that no longer exists, with a LUID given, went while its Add was on the
        -- way (another device deleted it before any device mapped it): a new tombstone is mapped to that LUID, so the
        -- device is sent a Delete in its next session
        with input as (
            select * from unnest(m_item, m_datastore, m_luid, m_known_seq) as u(item_id, datastore, luid, known_seq)
        ),
        valid as (
            select u.*, i.change_seq from input u join item i on i.id = u.item_id and i.account_id = p_acc
        ),
        gone as materialized (
            select nextval('item_id_seq') as id, nextval('item_change_seq') as seq, u.datastore, u.luid
            from input u
            where u.luid is not null and u.known_seq is not null
              and not exists (select 1 from item i where i.id = u.item_id)
        ),
        ghosts as (
            insert into item (id, account_id, datastore, content_type, content, change_seq, deleted, updated_at)
            select id, p_acc, datastore, '', '', seq, true, now() from gone
        ),
        ghost_maps as (
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select p_dev, id, datastore, luid, 0 from gone
            on conflict (device_id, datastore, luid) where luid is not null
            do update set item_id = excluded.item_id, known_seq = 0, detached = false
        ),
        changed as (
            update item_map m set datastore = v.datastore, luid = coalesce(v.luid, m.luid),
                                  known_seq = coalesce(v.known_seq, m.known_seq), detached = false
            from valid v where m.device_id = p_dev and m.item_id = v.item_id
            returning m.item_id, m.datastore, m.known_seq
        ),
        added as (
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select p_dev, v.item_id, v.datastore, v.luid, coalesce(v.known_seq, 0) from valid v
            where not exists (select 1 from item_map m where m.device_id = p_dev and m.item_id = v.item_id)
            on conflict (device_id, item_id) do nothing
            returning item_id, datastore, known_seq
        ),
        -- an item is owed again if its change_seq is above the known sequence now recorded (or it is outside the
        -- filter, or a tombstone): the mark goes below the lower of the two (V13); a new tombstone took its LUID from
        -- whichever item held it (owed as an Add): the datastore's mark goes to 0
        bound as (
            select w.datastore, least(w.known_seq, v.change_seq) - 1 as bound
            from (select * from changed union all select * from added) w join valid v on v.item_id = w.item_id
            union all
            select g.datastore, 0 from gone g
        )
        update pending_mark p set mark = b.bound
        from (select datastore, min(bound) as bound from bound group by datastore) b
        where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound;
    end if;

    if cardinality(p_map_removes) > 0 then
        perform syncgw_unmap_items(p_acc, p_dev, p_map_removes);
    end if;

    -- the device no longer holds these items (at the sequences given); the items stay
    if cardinality(x_item) > 0 then
        with detached as (
            update item_map m set luid = null, detached = true, known_seq = u.known_seq
            from unnest(x_item, x_known_seq) as u(item_id, known_seq)
            where m.device_id = p_dev and m.item_id = u.item_id
              and exists (select 1 from item i where i.id = u.item_id and i.account_id = p_acc)
            returning m.item_id, m.datastore, m.known_seq
        )
        -- owed again as an Add once the item changes after the known sequence (V13)
        update pending_mark p set mark = b.bound
        from (
            select d.datastore, min(least(d.known_seq, i.change_seq) - 1) as bound
            from detached d join item i on i.id = d.item_id
            group by d.datastore
        ) b
        where p.device_id = p_dev and p.datastore = b.datastore and p.mark > b.bound;
    end if;

    -- mappings of the pruned datastores whose LUID the device did not send go
    if cardinality(pr_datastores) > 0 then
        with keep as (
            select * from unnest(pr_keep_datastore, pr_keep_luid) as k(datastore, luid)
        ),
        released as (
            delete from item_map m
            where m.device_id = p_dev and m.datastore = any(pr_datastores)
              and (m.luid is null
                   or not exists (select 1 from keep k where k.datastore = m.datastore and k.luid = m.luid))
            returning m.item_id
        )
        select array_agg(item_id) into v_released from released;
        if v_released is not null then
            perform syncgw_purge_released(p_acc, p_dev, v_released);
        end if;
    end if;

    -- every live item of these datastores the device does not map is deleted: a tombstone when another device maps
    -- it, at once otherwise
    if cardinality(p_item_prunes) > 0 then
        with candidate as materialized (
            select i.id,
                   exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> p_dev) as shared
            from item i
            where i.account_id = p_acc and i.datastore = any(p_item_prunes) and not i.deleted
              and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id = p_dev)
        ),
        tomb as (
            update item i set deleted = true, content = '', change_seq = nextval('item_change_seq'),
                              updated_at = now()
            from candidate c where i.id = c.id and c.shared and not i.deleted
            returning i.id
        ),
        gone as (
            delete from item i using candidate c where i.id = c.id and not c.shared and not i.deleted
            returning i.id
        )
        select (select count(*) from tomb) + (select count(*) from gone) into v_count;
    end if;

    if cardinality(cd_datastore) > 0 then
        delete from item_chunk c using unnest(cd_datastore, cd_luid) as d(datastore, luid)
        where c.device_id = p_dev and c.datastore = d.datastore and c.luid = d.luid;
    end if;

    if cardinality(ca_datastore) > 0 then
        insert into item_chunk (device_id, datastore, luid, idx, data)
        select p_dev, u.datastore, u.luid, u.idx, u.data
        from unnest(ca_datastore, ca_luid, ca_idx, ca_data) as u(datastore, luid, idx, data);
    end if;

    -- clears before checkpoints
    if cardinality(p_resume_clears) > 0 then
        delete from sync_resume where device_id = p_dev and datastore = any(p_resume_clears);
    end if;

    -- mode and client Last (re)set; the LUIDs received with this message added as one array per datastore
    if cardinality(cp_datastore) > 0 then
        insert into sync_resume (device_id, datastore, mode, client_last)
        select p_dev, u.datastore, u.mode, u.client_last
        from unnest(cp_datastore, cp_mode, cp_client_last) as u(datastore, mode, client_last)
        on conflict (device_id, datastore) do update
            set mode = excluded.mode, client_last = excluded.client_last, updated_at = now();
        insert into sync_resume_batch (device_id, datastore, luids)
        select p_dev, u.datastore, array_agg(u.luid)
        from unnest(cp_luid_datastore, cp_luid) as u(datastore, luid)
        group by u.datastore;
    end if;

    -- the previous client anchor moves to client_prev (the device's last_sync was set above)
    if cardinality(a_datastore) > 0 then
        insert into sync_anchor (device_id, datastore, client_next, client_prev, server_next, completed_at)
        select p_dev, a.datastore, a.client_next, null, a.server_next, now()
        from unnest(a_datastore, a_client_next, a_server_next) as a(datastore, client_next, server_next)
        on conflict (device_id, datastore) do update set
            client_prev = sync_anchor.client_next, client_next = excluded.client_next,
            server_next = excluded.server_next, completed_at = excluded.completed_at;
    end if;

    return query
        select 'I'::text, t.ref, t.id, t.seq from unnest(v_ins_ref, v_ins_id, v_ins_seq) as t(ref, id, seq)
        union all
        select 'U'::text, null::int, t.id, t.seq from unnest(v_upd_id, v_upd_seq) as t(id, seq)
        union all
        select 'D'::text, null::int, t.id, t.seq from unnest(v_del_id, v_del_seq) as t(id, seq);
end
$$;

alter function syncgw_write_batch set plan_cache_mode = force_generic_plan;

drop function syncgw_write_batch_steps(
    bigint, bigint, text, text, text, text, text, text, text, int, int, boolean, boolean, bigint[], text[],
    int[], text[], text[], text[], text[], text[], text[], text[], text[], text[], boolean[], bigint[],
    bigint[], text[], text[], text[], text[], text[], text[], text[], text[], text[], boolean[], bigint[],
    bigint[], bigint[], text[], text[], bigint[], bigint[], bigint[], bigint[], text[], text[], text[], text[],
    text[], text[], text[], text[], int[], text[], text[], text[], int[], text[], text[], text[], text[],
    text[], text[], text);
