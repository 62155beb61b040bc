-- The pending-changes read and the item lookup planned once per connection, not at every call. Under plan_cache_mode
-- = auto PostgreSQL kept making custom plans for them (a custom plan of a statement over an array parameter knows the
-- array and looks cheaper than the generic one, as V12 found for the write batch): perf of a standard load run showed
-- 9 % of PostgreSQL's CPU in the planner, 3.5 % for the pending-changes query and 3.8 % at the top level, mostly the
-- item lookup (inlined, it is planned with the statement that calls it: 0.6-0.8 ms to plan, 0.1 ms to run)
-- (loadtest/RESULTS.md, twelfth round).
--
-- A statement at the top level is planned with the connection's setting, and a SQL function with a SET option is no
-- longer inlined, so the item lookup becomes a PL/pgSQL function with the setting, as the write batch is (V12): the
-- statement the gateway sends is a function scan, cheap to plan, and the query inside keeps its generic plan. Not the
-- account lookup: PostgreSQL settles on a generic plan for it by itself, and wrapped in PL/pgSQL it cost 0.16 ms more
-- a call (tried in the same round). The queries are unchanged; WriteBatchPlansIT checks the settings and that the
-- generic plans go by key.

alter function syncgw_pending_changes(bigint, bigint, text, text[], text[], timestamptz, timestamptz, bigint)
    set plan_cache_mode = force_generic_plan;

-- V17's query (its header says what the rows are), unchanged.
create or replace function syncgw_lookup_items(p_acc bigint, p_dev bigint, p_datastore text, p_luids text[],
                                               p_twin_keys text[], p_base_luids text[], p_base_hashes text[])
returns table (kind text, key text, id bigint, change_seq bigint, known_seq bigint, deleted boolean,
               content_hash text, updated_at timestamptz, content_type text, content text)
language plpgsql stable
set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
begin
    return query
    select 'M'::text, m.luid, i.id, i.change_seq, m.known_seq, i.deleted, i.content_hash, i.updated_at,
           i.content_type,
           case when not i.deleted and exists (
               select 1 from unnest(p_base_luids, p_base_hashes) as h(luid, hash)
               where h.luid = m.luid and h.hash is distinct from i.content_hash) then i.content end
    from item_map m join item i on i.id = m.item_id
    where m.device_id = p_dev and m.datastore = p_datastore and m.luid = any(p_luids) and i.account_id = p_acc
    union all
    select 'T'::text, i.twin_key, i.id, i.change_seq, 0::bigint, false, i.content_hash, i.updated_at, null::text,
           null::text
    from item i
    where i.account_id = p_acc and i.datastore = p_datastore and not i.deleted and i.twin_key = any(p_twin_keys)
      and not exists (select 1 from item_map m where m.device_id = p_dev and m.item_id = i.id);
end
$$;
