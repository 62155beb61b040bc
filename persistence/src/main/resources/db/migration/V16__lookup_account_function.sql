-- The account lookup of every session's first message (StoreSql.LOOKUP_ACCOUNT) as a function, for the reason of
-- V15: the R2DBC driver tokenizes a statement's text at every execution, and this one was 240 tokens, a third of
-- what an idle session still sent after V15 (loadtest/RESULTS.md, eighth round). A SQL function that is STABLE, not
-- STRICT, without SET options and returning a set is inlined by the planner: the statement PostgreSQL plans is the
-- query itself, as before (WriteBatchPlansIT checks that it is inlined: a change of those properties would make it a
-- function scan planned apart from the call).
--
-- Returns the account, the device p_device_uri if the account has it (with its policy: the columns
-- DeviceRows.policy reads), and the device's anchors as parallel arrays (null when it has none), with whether a
-- checkpoint of the device is to be resumed. A column added to the device's policy goes here too.
create function syncgw_lookup_account(p_login text, p_device_uri text)
returns table (id bigint, login text, password_hash text, md5_digest text, password_sealed text, device_id bigint,
               slot int, nonce text, devinf_hash text, active boolean, name text, datastores text[], direction text,
               contact_categories text[], exclude_categories text[], calendar_past_days int,
               calendar_future_days int, conflict_policy text, deletes_propagate boolean, next_sync text,
               anchor_stores text[], anchor_client_next text[], anchor_client_prev text[],
               anchor_server_next text[], resuming boolean)
language sql stable as $$
    select a.id, a.login, a.password_hash, a.md5_digest, a.password_sealed,
           d.id, d.slot, d.nonce, d.devinf_hash, d.active, d.name, d.datastores, d.direction, d.contact_categories,
           d.exclude_categories, d.calendar_past_days, d.calendar_future_days, d.conflict_policy,
           d.deletes_propagate, d.next_sync,
           an.stores, an.client_next, an.client_prev, an.server_next,
           exists (select 1 from sync_resume r where r.device_id = d.id)
    from account a
    left join device d on d.account_id = a.id and d.device_uri = p_device_uri
    left join lateral (
        select array_agg(s.datastore) as stores, array_agg(s.client_next) as client_next,
               array_agg(s.client_prev) as client_prev, array_agg(s.server_next) as server_next
        from sync_anchor s where s.device_id = d.id
    ) an on d.id is not null
    where a.login = p_login
$$;
