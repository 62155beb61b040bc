-- The item lookup of a message that changes items (StoreSql.LOOKUP_ITEMS) as an inlinable SQL function, for the reason
-- of V15 and V16: the R2DBC driver tokenizes a statement's text at every execution, and this one was 247 tokens, in
-- every standard session. STABLE, not STRICT, without SET options, one SELECT: the planner inlines it (a UNION ALL
-- becomes an append of the two branches, as before), so PostgreSQL plans the same query; WriteBatchPlansIT checks
-- there is no function scan. The order (kind, id) is the caller's: StoreSql.LOOKUP_ITEMS sorts.
--
-- Kind 'M': the device's mappings by LUID (p_luids), with the live item's content type and content when p_base_luids /
-- p_base_hashes (pairwise) name the LUID with a hash other than the item's (a merge base); kind 'T': live items by twin
-- key (p_twin_keys) the device does not map.
create function syncgw_lookup_items(p_acc bigint, p_dev bigint, p_datastore text, p_luids text[], p_twin_keys text[],
                                    p_base_luids text[], p_base_hashes text[])
returns table (kind text, key text, id bigint, change_seq bigint, known_seq bigint, deleted boolean,
               content_hash text, updated_at timestamptz, content_type text, content text)
language sql stable as $$
    select 'M', m.luid, i.id, i.change_seq, m.known_seq, i.deleted, i.content_hash, i.updated_at, i.content_type,
           case when not i.deleted and exists (
               select 1 from unnest(p_base_luids, p_base_hashes) as h(luid, hash)
               where h.luid = m.luid and h.hash is distinct from i.content_hash) then i.content end
    from item_map m join item i on i.id = m.item_id
    where m.device_id = p_dev and m.datastore = p_datastore and m.luid = any(p_luids) and i.account_id = p_acc
    union all
    select 'T', i.twin_key, i.id, i.change_seq, 0::bigint, false, i.content_hash, i.updated_at, null, null
    from item i
    where i.account_id = p_acc and i.datastore = p_datastore and not i.deleted and i.twin_key = any(p_twin_keys)
      and not exists (select 1 from item_map m where m.device_id = p_dev and m.item_id = i.id)
$$;
