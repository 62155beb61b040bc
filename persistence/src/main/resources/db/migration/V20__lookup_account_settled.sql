-- The account lookup also says, per anchor, whether the device is owed nothing of that datastore under no filter
-- (anchor_settled, parallel to anchor_stores): its unfiltered mark (V13) exists and no item of the datastore lies
-- above it, the case in which syncgw_pending_changes returns at once (V19). An idle phone that sends its empty Sync
-- with its Alert (sync without separate initialization, two messages) then needs no pending-changes read in that
-- message: two statements a session instead of three. The bound, measured by skipping the read outright in a
-- throw-away build: +11 % idle sessions/s, PostgreSQL 0.92 vs 1.14 ms a session (loadtest/RESULTS.md, thirteenth
-- round). The session decides whether the answer applies (AccountLookup#settled: only in the lookup's message, an
-- unfiltered read, a sync that sends changes, no item or mapping written by that message). Only a message that can
-- use the answer asks for it (p_settled: a package 1 with a Sync); the others get nulls and do not pay the two index
-- probes per anchor (a standard session's lookup took 0.09 ms more with them).
--
-- The rest is V16's function, unchanged; the signature changes, so it is dropped and created again. Still a SQL
-- function, STABLE, not STRICT, without SET options: inlined (WriteBatchPlansIT).
drop function syncgw_lookup_account(text, text);

create function syncgw_lookup_account(p_login text, p_device_uri text, p_settled boolean)
returns table (id bigint, login text, password_hash text, md5_digest text, password_sealed text, device_id bigint,
               slot int, nonce text, devinf_hash text, active boolean, name text, datastores text[], direction text,
               contact_categories text[], exclude_categories text[], calendar_past_days int,
               calendar_future_days int, conflict_policy text, deletes_propagate boolean, next_sync text,
               anchor_stores text[], anchor_client_next text[], anchor_client_prev text[],
               anchor_server_next text[], resuming boolean, anchor_settled boolean[])
language sql stable as $$
    select a.id, a.login, a.password_hash, a.md5_digest, a.password_sealed,
           d.id, d.slot, d.nonce, d.devinf_hash, d.active, d.name, d.datastores, d.direction, d.contact_categories,
           d.exclude_categories, d.calendar_past_days, d.calendar_future_days, d.conflict_policy,
           d.deletes_propagate, d.next_sync,
           an.stores, an.client_next, an.client_prev, an.server_next,
           exists (select 1 from sync_resume r where r.device_id = d.id),
           an.settled
    from account a
    left join device d on d.account_id = a.id and d.device_uri = p_device_uri
    left join lateral (
        select array_agg(s.datastore) as stores, array_agg(s.client_next) as client_next,
               array_agg(s.client_prev) as client_prev, array_agg(s.server_next) as server_next,
               -- CASE: the probes run only when asked
               array_agg(case when p_settled then exists (
                   select 1 from pending_mark p
                   where p.device_id = s.device_id and p.datastore = s.datastore
                     and p.any_category = '{}' and p.no_category = '{}'
                     and not exists (select 1 from item i
                                     where i.account_id = a.id and i.datastore = s.datastore
                                       and i.change_seq > p.mark)) end) as settled
        from sync_anchor s where s.device_id = d.id
    ) an on d.id is not null
    where a.login = p_login
$$;
