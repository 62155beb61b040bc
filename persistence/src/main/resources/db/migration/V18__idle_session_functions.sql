-- The two statements of an idle session that were still long texts, as PL/pgSQL functions, for the reason of V15-V17:
-- the R2DBC driver tokenizes a statement's text at every execution, and these two (about 1,500 characters together)
-- were a tenth of the gateway's CPU samples in an idle session (loadtest/RESULTS.md, tenth round). PL/pgSQL keeps
-- each function's statement planned per connection, as the driver's prepared statement did.

-- The next MD5 nonce of device p_device_id, stored when p_digest is the right SyncML 1.1 digest for the stored one
-- (Md5Auth.expected: MD5 of the account's MD5 secret p_md5_digest, ':' and the stored nonce's bytes) and the device
-- is active: wrong credentials write nothing. Only a nonce in strict, padded base64 is decoded (PostgreSQL's decoding
-- would raise an error on another, or read it otherwise than Java): any other is not rotated here, and the engine
-- writes the next nonce itself. Whether it stored it. Called in the select list of the account lookup
-- (StoreSql.LOOKUP_ACCOUNT_ROTATING_NONCE): its update runs after the statement's snapshot was taken, so the lookup
-- returns the nonce the digest was made with.
create function syncgw_rotate_nonce(p_device_id bigint, p_md5_digest text, p_next_nonce text, p_digest bytea)
returns boolean
language plpgsql as $$
begin
    update device d set nonce = p_next_nonce, last_seen = now()
    where d.id = p_device_id and d.active and p_md5_digest is not null
      and case when d.nonce ~ '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'
          then decode(md5(convert_to(p_md5_digest || ':', 'UTF8') || decode(d.nonce, 'base64')), 'hex') = p_digest
          else false end;
    return found;
end
$$;

-- The anchor commit of a session whose completing message is also its first to hold the device (an idle sync:
-- nothing else written): the device p_device_id of account p_account_id is taken for session p_session_key and let
-- go in the same statement, and nothing is committed when another session holds it unexpired. The number of anchors
-- written: 0 means busy. (StoreSql.CLAIM_AND_COMMIT_ANCHORS; syncgw_write_batch commits anchors the same way.)
create function syncgw_claim_and_commit_anchors(p_device_id bigint, p_account_id bigint, p_session_key text,
                                                p_datastores text[], p_client_next text[], p_server_next text[])
returns int
language plpgsql as $$
declare
    v_written int;
begin
    with claimed as (
        update device d set last_sync = now(), last_seen = now(), session_key = p_session_key, session_until = null
        where d.id = p_device_id and d.account_id = p_account_id
          and (d.session_key is null or d.session_key = p_session_key or d.session_until is null
               or d.session_until <= now())
        returning d.id
    )
    insert into sync_anchor as s (device_id, datastore, client_next, client_prev, server_next, completed_at)
    select p_device_id, a.datastore, a.client_next, null, a.server_next, now()
    from unnest(p_datastores, p_client_next, p_server_next) as a(datastore, client_next, server_next)
    where exists (select 1 from claimed)
    on conflict (device_id, datastore) do update set
        client_prev = s.client_next, client_next = excluded.client_next,
        server_next = excluded.server_next, completed_at = excluded.completed_at;
    get diagnostics v_written = row_count;
    return v_written;
end
$$;
