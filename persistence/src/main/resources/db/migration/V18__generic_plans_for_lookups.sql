-- Every session's lookups planned once per connection, not at every call. Under plan_cache_mode = auto PostgreSQL
-- kept making custom plans for them (a custom plan of a statement over an array parameter knows the array and looks
-- cheaper than the generic one, as V12 found for the write batch): perf of a standard load run showed 9 % of
-- PostgreSQL's CPU in the planner, most of it for three statements whose plans never change — the pending-changes
-- query (3.5 %), and at the top level the item lookup and the account lookup with the nonce's rotation (3.8 %), each
-- planned in 0.5-0.8 ms to run in 0.1 ms (loadtest/RESULTS.md, twelfth round).
--
-- A statement at the top level is planned with the connection's setting, and a SQL function with a SET option is no
-- longer inlined, so the two lookups become PL/pgSQL functions with the setting, as the write batch is (V12): the
-- statement the gateway sends is a function scan, cheap to plan, and the query inside keeps its generic plan. The
-- queries are unchanged; WriteBatchPlansIT checks the settings and that the generic plans go by key.

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

-- The account lookup of a session's first message (StoreSql.LOOKUP_ACCOUNT and LOOKUP_ACCOUNT_ROTATING_NONCE, whose
-- comments say what they return and do). With p_next_nonce and p_response, the device's nonce becomes p_next_nonce when
-- the device is active and p_response is the MD5 digest of the account's md5_digest, ':' and the device's current
-- nonce (base64-decoded); nonce_rotated says whether it did. The digest is computed here and in Md5Auth.expected: a
-- change of it goes in both (R2dbcSyncStoreIT checks they agree). The lookup reads the statement's snapshot, from
-- before the update. syncgw_lookup_account (V16) stays: inlined into both queries here.
create function syncgw_lookup_session(p_login text, p_device_uri text, p_next_nonce text, p_response bytea)
returns table (id bigint, login text, password_hash text, md5_digest text, password_sealed text, device_id bigint,
               slot int, nonce text, devinf_hash text, active boolean, name text, datastores text[], direction text,
               contact_categories text[], exclude_categories text[], calendar_past_days int,
               calendar_future_days int, conflict_policy text, deletes_propagate boolean, next_sync text,
               anchor_stores text[], anchor_client_next text[], anchor_client_prev text[],
               anchor_server_next text[], resuming boolean, nonce_rotated boolean)
language plpgsql
set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
begin
    if p_next_nonce is null or p_response is null then
        return query select l.*, false from syncgw_lookup_account(p_login, p_device_uri) l;
        return;
    end if;
    return query
    with rotated as (
        update device d set nonce = p_next_nonce, last_seen = now() from account a
        where a.login = p_login and d.account_id = a.id and d.device_uri = p_device_uri and d.active
          and case when d.nonce ~ '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'
              then decode(md5(convert_to(a.md5_digest || ':', 'UTF8') || decode(d.nonce, 'base64')), 'hex')
                   = p_response
              else false end
        returning d.id)
    select l.*, exists (select from rotated)
    from syncgw_lookup_account(p_login, p_device_uri) l;
end
$$;
