package io.syncgw.persistence.store;

/**
 * The statements of {@link R2dbcSyncStore} other than the write batch. Every statement is set-based: lists travel as
 * arrays and are opened with {@code unnest}, so the number of statements does not depend on the number of items.
 *
 * <p>A session's writes are one call per message of the database function {@code syncgw_write_batch} (migration
 * {@code V10__write_batch.sql}, called by {@link BatchWriter}); its rules on tombstones: a deleted item stays as a
 * tombstone (deleted, empty content) while some device still maps it, so that device is sent a Delete; whenever a
 * step drops mappings it purges the tombstones among the items it unmapped that no other device maps; a delete that
 * would leave a tombstone nobody maps deletes the row at once.
 */
final class StoreSql {

    private StoreSql() {
    }

    // ---- reads ----

    /** The policy columns of {@code device d} (V5), read by {@link DeviceRows#policy}. */
    static final String DEVICE_POLICY_COLUMNS = " d.active, d.name, d.datastores, d.direction, d.contact_categories,"
            + " d.exclude_categories, d.calendar_past_days, d.calendar_future_days, d.conflict_policy,"
            + " d.deletes_propagate, d.next_sync\n";

    /**
     * The account, the device if known, and the device's anchors (parallel arrays, null when it has none) unless a
     * checkpoint of it is to be resumed ({@code resuming}: then {@link #LOAD_ANCHORS} reads them with the checkpoint).
     * The query is the function {@code syncgw_lookup_account} (V16; inlined by the planner): the driver tokenizes a
     * statement's text at every execution. It returns the policy columns of {@link #DEVICE_POLICY_COLUMNS} too, and
     * since V20, when $3 asks, whether each anchor's datastore is settled for the device (nothing above its unfiltered
     * mark: {@code AccountLookup#settled}).
     */
    static final String LOOKUP_ACCOUNT = "select * from syncgw_lookup_account($1::text, $2::text, $3::boolean)";

    /**
     * {@link #LOOKUP_ACCOUNT} ($5: whether to say which datastores are settled) that stores $3 as the device's next MD5
     * nonce when $4 is the right SyncML 1.1 digest
     * ({@code Md5Auth.expected}: MD5 of the account's MD5 secret, ':' and the stored nonce's bytes) and the device is
     * active ({@code nonce_rotated}): wrong credentials write nothing. The lookup reads the snapshot the statement
     * started with, so it returns the nonce before. One statement instead of the lookup and, after it, an update of
     * the device; a data-modifying WITH cannot be inside the inlined function. Only a nonce in strict, padded base64
     * is decoded (PostgreSQL's decoding would raise an error on another, or read it otherwise than Java): any other
     * is not rotated here, and the engine writes the next nonce itself.
     */
    static final String LOOKUP_ACCOUNT_ROTATING_NONCE = """
            with rotated as (
                update device d set nonce = $3, last_seen = now() from account a
                where a.login = $1 and d.account_id = a.id and d.device_uri = $2 and d.active
                  and case when d.nonce ~ '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'
                      then decode(md5(convert_to(a.md5_digest || ':', 'UTF8') || decode(d.nonce, 'base64')), 'hex')
                           = $4::bytea
                      else false end
                returning d.id)
            select l.*, exists (select from rotated) as nonce_rotated
            from syncgw_lookup_account($1::text, $2::text, $5::boolean) l""";

    /**
     * Serialises registrations of one account (run first, in the same transaction as the device insert) so that the
     * slot computed from the device rows is still free when inserted. Does not block item writes (their foreign key
     * check takes a weaker lock).
     */
    static final String LOCK_ACCOUNT = "select id from account where id = $1 for no key update";

    /** The device of an account with this id ($2), with its policy. */
    static final String DEVICE_BY_URI = """
            select d.id, d.slot, d.nonce, d.devinf_hash,""" + DEVICE_POLICY_COLUMNS + """
            from device d where d.account_id = $1 and d.device_uri = $2""";

    /** The account's slot limit and its devices' slots (one row with nulls when it has none). */
    static final String SLOTS = """
            select a.max_devices, d.id, d.slot, d.active
            from account a left join device d on d.account_id = a.id
            where a.id = $1 order by d.slot""";

    /** Frees a slot: the device row goes, its mappings, anchors, checkpoints and chunks with it (cascade). */
    static final String DELETE_DEVICE = "delete from device where id = $1 and account_id = $2";

    /** Tombstones no device maps any more (after a device was removed). */
    static final String PURGE_UNMAPPED_TOMBSTONES = """
            delete from item i where i.account_id = $1 and i.deleted
              and not exists (select 1 from item_map m where m.item_id = i.id)""";

    static final String INSERT_DEVICE = """
            insert into device as d (account_id, device_uri, slot, first_seen, last_seen)
            values ($1, $2, $3, now(), now())
            returning d.id, d.slot, d.nonce, d.devinf_hash,""" + DEVICE_POLICY_COLUMNS;

    static final String LOAD_DEVINF = "select devinf from device where id = $1";

    /** Anchors and checkpoints of a device's datastores (either may be missing). */
    static final String LOAD_ANCHORS = """
            select coalesce(a.datastore, r.datastore) as datastore, a.client_next, a.client_prev, a.server_next,
                   r.mode as resume_mode, r.client_last as resume_last,
                   (select coalesce(array_agg(distinct l.luid), '{}')
                    from sync_resume_batch b cross join unnest(b.luids) as l(luid)
                    where b.device_id = $1 and b.datastore = r.datastore) as resume_luids
            from (select * from sync_anchor where device_id = $1) a
            full join (select * from sync_resume where device_id = $1) r on r.datastore = a.datastore""";

    /**
     * Kind 'M': the device's mappings by LUID, with the live item's content type and content when $6/$7 (LUIDs and
     * content hashes, pairwise) name the LUID with a hash other than the item's (a merge base); kind 'T': live items
     * by twin key the device does not map. The query is the function {@code syncgw_lookup_items} (V17), for the reason
     * of {@link #LOOKUP_ACCOUNT}; since V18 in PL/pgSQL with a generic plan made once per connection: inlined, it
     * was planned at every call (PostgreSQL keeps custom plans for it), which cost five times its run.
     */
    static final String LOOKUP_ITEMS = """
            select * from syncgw_lookup_items($1, $2, $3::text, $4::text[], $5::text[], $6::text[], $7::text[])
            order by 1, 3""";

    /**
     * What the device ($2) is owed of a datastore ($3) under its filter: $4 categories of which an item needs one
     * (empty: all), $5 categories that exclude it, $6/$7 the window [from, to) its span must overlap (null: open).
     * Items without categories or span (written before V5, or without dates) pass what they cannot be judged by.
     * Removes (left the filter) and deletes first, then replaces, then adds, each by item id. A detached mapping
     * (the device's deletion did not propagate) is owed the item again only when it changed since. The content of
     * the first Adds and Replaces comes along while their sizes add up to at most $8 characters.
     *
     * <p>Only items above the device's mark are read ({@code pending_mark}, V13): every item at or below it was
     * settled for the device when the mark was set, and can only become owed by a new change_seq (above every mark)
     * or a change of the device's mapping, which lowers the mark (syncgw_write_batch, V13). The query sets the
     * mark to the highest change_seq it read, below the first item it owes, unless a write batch of the account
     * committed since its snapshot (the account's change_gen, read again with a share lock: the batch may have
     * changed a mapping the snapshot did not see). A mark holds for the category filter it was set with; a date
     * window ($6/$7) moves with the clock, so a query with one reads from 0 and sets no mark.
     *
     * <p>The query is the function {@code syncgw_pending_changes} (V15): the driver tokenizes a statement's text at
     * every execution, and this query's 660 tokens were half of an idle session's.
     */
    static final String PENDING_CHANGES = """
            select * from syncgw_pending_changes($1, $2, $3::text, $4::text[], $5::text[], $6::timestamptz,
                                                 $7::timestamptz, $8)""";

    static final String LOAD_ITEMS = """
            select id, change_seq, deleted, content_type, content
            from item where account_id = $1 and id = any($2::bigint[])""";

    static final String LOAD_CHUNKS = """
            select coalesce(string_agg(data, '' order by idx), '') as data from item_chunk
            where device_id = $1 and datastore = $2 and luid = $3""";

    // ---- writes: the write batch is one call of syncgw_write_batch (V10__write_batch.sql, see BatchWriter), except
    // the batches that only touch the device row (an idle session's), sent as the statement the function would run:
    // a function call costs PostgreSQL about 0.1 ms more than the statement alone ($1 account, $2 device) ----

    /** $3 nonce or null (keep), $4 devinf or null, $5 its hash: the text is not rewritten when the hash is equal. */
    static final String UPDATE_DEVICE = """
            update device set
                nonce = coalesce($3, nonce),
                devinf = case when $5::text is null or devinf_hash is not distinct from $5::text then devinf
                              else $4::text end,
                devinf_hash = coalesce($5::text, devinf_hash),
                manufacturer = coalesce($6::text, manufacturer),
                model = coalesce($7::text, model),
                last_seen = now()
            where id = $2 and account_id = $1""";

    /**
     * {@link #UPDATE_DEVICE} that also claims (or renews) the session's hold on the device: $8 the session's key, $9
     * seconds, $10 take it over whoever holds it. No row when another session holds the device unexpired (and it is
     * not taken over): the batch is refused as busy.
     */
    static final String CLAIM_DEVICE = """
            update device set
                nonce = coalesce($3, nonce),
                devinf = case when $5::text is null or devinf_hash is not distinct from $5::text then devinf
                              else $4::text end,
                devinf_hash = coalesce($5::text, devinf_hash),
                manufacturer = coalesce($6::text, manufacturer),
                model = coalesce($7::text, model),
                last_seen = now(),
                session_key = $8, session_until = now() + make_interval(secs => $9)
            where id = $2 and account_id = $1
              and ($10 or session_key is null or session_key = $8 or session_until is null
                   or session_until <= now())""";

    /**
     * The anchor commit of a session whose completing message is also its first to hold the device (an idle
     * sync: nothing else written): the device ($1 of account $6) is taken for session $5 and let go in the same
     * statement, and nothing is committed when another session holds it (no row: the batch is refused as busy). One
     * statement instead of a transaction around a claim and the commit.
     */
    static final String CLAIM_AND_COMMIT_ANCHORS = """
            with claimed as (
                update device set last_sync = now(), last_seen = now(), session_key = $5, session_until = null
                where id = $1 and account_id = $6
                  and (session_key is null or session_key = $5 or session_until is null or session_until <= now())
                returning id
            )
            """ + Anchors.UPSERT + "\nwhere exists (select 1 from claimed)\n" + Anchors.ON_CONFLICT;

    /** The anchor upsert (of CLAIM_AND_COMMIT_ANCHORS): $1 device, $2-$4 datastores, client and server next anchors. */
    private static final class Anchors {
        static final String UPSERT = """
                insert into sync_anchor (device_id, datastore, client_next, client_prev, server_next, completed_at)
                select $1, a.datastore, a.client_next, null, a.server_next, now()
                from unnest($2::text[], $3::text[], $4::text[]) as a(datastore, client_next, server_next)""";
        static final String ON_CONFLICT = """
                on conflict (device_id, datastore) do update set
                    client_prev = sync_anchor.client_next, client_next = excluded.client_next,
                    server_next = excluded.server_next, completed_at = excluded.completed_at""";
    }


    static final String PURGE_CHUNKS = "delete from item_chunk where created_at < $1";
}
