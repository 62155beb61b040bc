package io.syncgw.persistence.store;

/**
 * The statements of {@link R2dbcSyncStore}. Every statement is set-based: lists travel as arrays and are opened with
 * {@code unnest}, so the number of statements does not depend on the number of items.
 *
 * <p>Conventions: {@code $1} is the account id and {@code $2} the device id in every write statement. Several
 * statements chain data-modifying CTEs; all CTEs of a statement see the same snapshot, so no two of them touch the
 * same row, and a statement that must see another's effect is a separate statement.
 *
 * <p>Tombstones: a deleted item stays as a tombstone (deleted, empty content) while some device still maps it, so
 * that device is sent a Delete. Whenever a statement drops mappings it purges the tombstones among the items it
 * unmapped that no other device maps ({@link #PURGE_RELEASED}, applied to a CTE {@code released(item_id)} of the
 * mappings of device {@code $2} just deleted). A delete that would leave a tombstone nobody maps deletes the row
 * at once.
 */
final class StoreSql {

    private StoreSql() {
    }

    // ---- reads ----

    /** The policy columns of {@code device d} (V5), read by {@link DeviceRows#policy}. */
    static final String DEVICE_POLICY_COLUMNS = " d.active, d.name, d.datastores, d.direction, d.contact_categories,"
            + " d.exclude_categories, d.calendar_past_days, d.calendar_future_days, d.conflict_policy,"
            + " d.deletes_propagate, d.next_sync\n";

    static final String LOOKUP_ACCOUNT = """
            select a.id, a.login, a.password_hash, a.md5_digest, a.password_sealed,
                   d.id as device_id, d.slot, d.nonce, d.devinf_hash,""" + DEVICE_POLICY_COLUMNS + """
            from account a
            left join device d on d.account_id = a.id and d.device_uri = $2
            where a.login = $1""";

    /**
     * Serialises registrations of one account (run first, in the same transaction as {@link #REGISTER_DEVICE}) so
     * that the slot computed from the device rows is still free when inserted. Does not block item writes (their
     * foreign key check takes a weaker lock).
     */
    /** Transaction-scoped advisory lock on an account's items: class 0x5347 ("SG"), object the account id. */
    static final String LOCK_ACCOUNT_ITEMS = "select pg_advisory_xact_lock(21319, $1)::text as locked";

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

    /** Kind 'M': the device's mappings by LUID; kind 'T': live items by twin key the device does not map. */
    static final String LOOKUP_ITEMS = """
            select 'M' as kind, m.luid as key, i.id, i.change_seq, m.known_seq, i.deleted, i.content_hash,
                   i.updated_at
            from item_map m join item i on i.id = m.item_id
            where m.device_id = $2 and m.datastore = $3 and m.luid = any($4::text[]) and i.account_id = $1
            union all
            select 'T', i.twin_key, i.id, i.change_seq, 0, false, i.content_hash, i.updated_at
            from item i
            where i.account_id = $1 and i.datastore = $3 and not i.deleted and i.twin_key = any($5::text[])
              and not exists (select 1 from item_map m where m.device_id = $2 and m.item_id = i.id)
            order by 1, 3""";

    /**
     * What the device ($2) is owed of a datastore ($3) under its filter: $4 categories of which an item needs one
     * (empty: all), $5 categories that exclude it, $6/$7 the window [from, to) its span must overlap (null: open).
     * Items without categories or span (written before V5, or without dates) pass what they cannot be judged by.
     * Removes (left the filter) and deletes first, then replaces, then adds, each by item id. A detached mapping
     * (the device's deletion did not propagate) is owed the item again only when it changed since.
     */
    static final String PENDING_CHANGES = """
            with cand as (
                select i.id, i.deleted, i.change_seq, i.content_type, char_length(i.content) as size, i.recurring,
                       m.item_id is not null as mapped, m.luid, m.known_seq, coalesce(m.detached, false) as detached,
                       i.deleted or (
                           (cardinality($4::text[]) = 0 or coalesce(i.categories, '{}') && $4::text[])
                           and not (coalesce(i.categories, '{}') && $5::text[])
                           and ($7::timestamptz is null or i.span_start is null or i.span_start < $7::timestamptz)
                           and ($6::timestamptz is null or i.span_start is null or i.span_end is null
                                or i.span_end >= $6::timestamptz)) as passes
                from item i
                left join item_map m on m.device_id = $2 and m.item_id = i.id
                where i.account_id = $1 and i.datastore = $3
            )
            select case when not mapped or detached then 'ADD' when deleted then 'DELETE'
                        when not passes then 'REMOVE' else 'REPLACE' end as op,
                   id, luid, change_seq, content_type, size, recurring
            from cand
            where (not mapped and not deleted and passes)
               or (detached and not deleted and passes and change_seq > known_seq)
               or (mapped and not detached and luid is not null and (deleted or not passes or change_seq > known_seq))
            order by case when not mapped or detached then 2 when deleted or not passes then 0 else 1 end, id""";

    static final String LOAD_ITEMS = """
            select id, change_seq, deleted, content_type, content
            from item where account_id = $1 and id = any($2::bigint[])""";

    // ---- writes ($1 account, $2 device) ----

    /** Applied to a CTE {@code released(item_id)}: deletes the tombstones among them that no other device maps. */
    static final String PURGE_RELEASED = """
            delete from item i using released r
            where i.id = r.item_id and i.account_id = $1 and i.deleted
              and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> $2)""";

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

    /** The session $3 lets go of its device. */
    static final String RELEASE_DEVICE = """
            update device set session_until = null where id = $2 and account_id = $1 and session_key = $3""";

    /** $3 datastores. */
    static final String RESET = """
            with released as (
                delete from item_map where device_id = $2 and datastore = any($3::text[]) returning item_id
            )
            """ + PURGE_RELEASED;

    /**
     * $3.. the new items as parallel arrays. Ids and sequence numbers are drawn first so the result can pair them
     * with the caller's refs. A mapping of the device that already uses the LUID is moved to the new item (its old
     * item, if a tombstone nobody else maps, is purged).
     */
    static final String INSERT_ITEMS = """
            with input as materialized (
                select nextval('item_id_seq') as id, nextval('item_change_seq') as seq, u.*
                from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::text[], $11::text[], $12::text[], $13::bool[])
                     as u(ref, datastore, content_type, content, twin_key, content_hash, luid, categories, span_start,
                          span_end, recurring)
            ),
            released as (
                select m.item_id from item_map m join input n
                  on m.device_id = $2 and m.datastore = n.datastore and m.luid = n.luid
            ),
            items as (
                insert into item (id, account_id, datastore, content_type, content, twin_key, content_hash,
                                  change_seq, deleted, updated_at, categories, span_start, span_end, recurring)
                select id, $1, datastore, content_type, content, twin_key, content_hash, seq, false, now(),
                       string_to_array(categories, chr(31)), span_start::timestamptz, span_end::timestamptz, recurring
                from input
            ),
            mapped as (
                insert into item_map (device_id, item_id, datastore, luid, known_seq)
                select $2, id, datastore, luid, seq from input
                on conflict (device_id, datastore, luid) where luid is not null
                do update set item_id = excluded.item_id, known_seq = excluded.known_seq
            ),
            purged as (
            """ + PURGE_RELEASED + """
            )
            select ref, id, seq from input""";

    /**
     * $3.. the updates as parallel arrays. Applies those still at the expected sequence (or without one) and
     * releases the LUIDs they take from other items of the device; returns the updated ids and new sequences.
     */
    static final String UPDATE_ITEMS = """
            with input as (
                select * from unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
                                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bool[])
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
                where i.id = u.item_id and i.account_id = $1 and (u.expected is null or i.change_seq = u.expected)
                returning i.id, i.change_seq
            ),
            released as (
                delete from item_map m using updated d join input u on u.item_id = d.id
                where m.device_id = $2 and m.datastore = u.datastore and m.luid = u.luid and m.item_id <> d.id
                returning m.item_id
            ),
            purged as (
            """ + PURGE_RELEASED + """
            )
            select id, change_seq from updated""";

    /** $2.. (device, then arrays): sets the device's mapping of updated items to their LUID and new sequence. */
    static final String MAP_UPDATED = """
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select $1, u.item_id, u.datastore, u.luid, u.known_seq
            from unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) as u(item_id, datastore, luid, known_seq)
            on conflict (device_id, item_id)
            do update set datastore = excluded.datastore, luid = excluded.luid, known_seq = excluded.known_seq,
                          detached = false""";

    /**
     * $3 item ids, $4 expected sequences (null elements: unconditional). An item another device maps becomes a
     * tombstone (and loses this device's mapping); any other is deleted at once. Returns id and new sequence of
     * both kinds.
     */
    static final String DELETE_ITEMS = """
            with input as (
                select * from unnest($3::bigint[], $4::bigint[]) as u(item_id, expected)
            ),
            shared as materialized (
                select u.item_id,
                       exists (select 1 from item_map m where m.item_id = u.item_id and m.device_id <> $2) as shared
                from input u
            ),
            tomb as (
                update item i set deleted = true, content = '', change_seq = nextval('item_change_seq'),
                                  updated_at = now()
                from input u join shared s on s.item_id = u.item_id
                where i.id = u.item_id and i.account_id = $1 and (u.expected is null or i.change_seq = u.expected)
                  and s.shared
                returning i.id, i.change_seq
            ),
            unmapped as (
                delete from item_map m using tomb t where m.device_id = $2 and m.item_id = t.id
            ),
            gone as (
                delete from item i using input u join shared s on s.item_id = u.item_id
                where i.id = u.item_id and i.account_id = $1 and (u.expected is null or i.change_seq = u.expected)
                  and not s.shared
                returning i.id, nextval('item_change_seq') as change_seq
            )
            select id, change_seq from tomb
            union all
            select id, change_seq from gone""";

    /**
     * $3 item ids, $4 datastores, $5 LUIDs: frees LUIDs that mappings are about to take from other items of the
     * device (only for items of the account).
     */
    static final String RELEASE_LUIDS = """
            with input as (
                select * from unnest($3::bigint[], $4::text[], $5::text[]) as u(item_id, datastore, luid)
            ),
            released as (
                delete from item_map m using input u
                where u.luid is not null and m.device_id = $2 and m.datastore = u.datastore and m.luid = u.luid
                  and m.item_id <> u.item_id
                  and exists (select 1 from item i where i.id = u.item_id and i.account_id = $1)
                returning m.item_id
            )
            """ + PURGE_RELEASED;

    /**
     * $3 item ids, $4 datastores, $5 LUIDs (null: keep), $6 known sequences (null: keep; 0 for a new mapping).
     * Items of another account are skipped, and so are items that no longer exist, except: an item sent in this
     * session (a known sequence given) that no longer exists, with a LUID given, went while its Add was on the way
     * to the device (another device deleted it, and no device mapped it yet, so it was dropped at once):
     * a new tombstone is mapped to that LUID instead, so the device is sent a Delete in its next session rather
     * than keep a contact the account no longer has.
     */
    static final String UPSERT_MAPPINGS = """
            with input as (
                select * from unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[])
                     as u(item_id, datastore, luid, known_seq)
            ),
            valid as (
                select u.* from input u join item i on i.id = u.item_id and i.account_id = $1
            ),
            gone as materialized (
                select nextval('item_id_seq') as id, nextval('item_change_seq') as seq, u.datastore, u.luid
                from input u
                where u.luid is not null and u.known_seq is not null
                  and not exists (select 1 from item i where i.id = u.item_id)
            ),
            ghosts as (
                insert into item (id, account_id, datastore, content_type, content, change_seq, deleted, updated_at)
                select id, $1, datastore, '', '', seq, true, now() from gone
            ),
            ghost_maps as (
                insert into item_map (device_id, item_id, datastore, luid, known_seq)
                select $2, id, datastore, luid, 0 from gone
                on conflict (device_id, datastore, luid) where luid is not null
                do update set item_id = excluded.item_id, known_seq = 0, detached = false
            ),
            changed as (
                update item_map m set datastore = v.datastore, luid = coalesce(v.luid, m.luid),
                                      known_seq = coalesce(v.known_seq, m.known_seq), detached = false
                from valid v where m.device_id = $2 and m.item_id = v.item_id
            )
            insert into item_map (device_id, item_id, datastore, luid, known_seq)
            select $2, v.item_id, v.datastore, v.luid, coalesce(v.known_seq, 0) from valid v
            where not exists (select 1 from item_map m where m.device_id = $2 and m.item_id = v.item_id)
            on conflict (device_id, item_id) do nothing""";

    /** $3 item ids, $4 the sequences the device held: it no longer holds them; the items stay. */
    static final String DETACH_MAPPINGS = """
            update item_map m set luid = null, detached = true, known_seq = u.known_seq
            from unnest($3::bigint[], $4::bigint[]) as u(item_id, known_seq)
            where m.device_id = $2 and m.item_id = u.item_id
              and exists (select 1 from item i where i.id = u.item_id and i.account_id = $1)""";

    /** The device's forced next sync was applied. */
    static final String CONSUME_NEXT_SYNC = "update device set next_sync = 'normal' where id = $2 and account_id = $1";

    /** $3 item ids. */
    static final String REMOVE_MAPPINGS = """
            with released as (
                delete from item_map where device_id = $2 and item_id = any($3::bigint[]) returning item_id
            )
            """ + PURGE_RELEASED;

    /** $3/$4 the (datastore, LUID) pairs to keep, $5 the pruned datastores. */
    static final String PRUNE_MAPPINGS = """
            with keep as (
                select * from unnest($3::text[], $4::text[]) as k(datastore, luid)
            ),
            released as (
                delete from item_map m
                where m.device_id = $2 and m.datastore = any($5::text[])
                  and (m.luid is null
                       or not exists (select 1 from keep k where k.datastore = m.datastore and k.luid = m.luid))
                returning m.item_id
            )
            """ + PURGE_RELEASED;

    /**
     * $3 datastores: every live item of them the device does not map is deleted, as a tombstone when another
     * device maps it, at once otherwise.
     */
    static final String PRUNE_ITEMS = """
            with candidate as materialized (
                select i.id,
                       exists (select 1 from item_map m where m.item_id = i.id and m.device_id <> $2) as shared
                from item i
                where i.account_id = $1 and i.datastore = any($3::text[]) and not i.deleted
                  and not exists (select 1 from item_map m where m.item_id = i.id and m.device_id = $2)
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
            select (select count(*) from tomb) as tombstoned, (select count(*) from gone) as deleted""";

    /**
     * $1 device, $2.. arrays: the previous client anchor moves to client_prev; the device's last_sync (what the
     * account owner sees) is set in the same statement.
     */
    static final String COMMIT_ANCHORS = """
            with touched as (
                update device set last_sync = now(),
                    session_until = case when session_key = $5 then null else session_until end
                where id = $1
            )
            """ + Anchors.UPSERT + "\n" + Anchors.ON_CONFLICT;

    /** The anchor upsert both anchor commits share: $1 device, $2-$4 datastores, client and server next anchors. */
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

    /**
     * {@link #COMMIT_ANCHORS} for a session whose completing message is also its first to hold the device (an idle
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

    /** Drops the spooled chunks of objects: $2 datastores and $3 LUIDs, pairwise. */
    static final String DISCARD_CHUNKS = """
            delete from item_chunk c using unnest($2::text[], $3::text[]) as d(datastore, luid)
            where c.device_id = $1 and c.datastore = d.datastore and c.luid = d.luid""";

    static final String APPEND_CHUNKS = """
            insert into item_chunk (device_id, datastore, luid, idx, data)
            select $1, u.datastore, u.luid, u.idx, u.data
            from unnest($2::text[], $3::text[], $4::int[], $5::text[]) as u(datastore, luid, idx, data)""";

    static final String LOAD_CHUNKS = """
            select coalesce(string_agg(data, '' order by idx), '') as data from item_chunk
            where device_id = $1 and datastore = $2 and luid = $3""";

    static final String PURGE_CHUNKS = "delete from item_chunk where created_at < $1";

    static final String CLEAR_CHECKPOINTS = "delete from sync_resume where device_id = $1 and datastore = any($2::text[])";

    /**
     * One row per checkpoint: mode and client Last are (re)set, the time refreshed; the LUIDs received with this
     * message added as one array per datastore (the checkpoint row they hang on is inserted by the same statement:
     * foreign keys are checked at its end).
     */
    static final String UPSERT_CHECKPOINTS = """
            with checkpoint as (
                insert into sync_resume (device_id, datastore, mode, client_last)
                select $1, u.datastore, u.mode, u.client_last
                from unnest($2::text[], $3::int[], $4::text[]) as u(datastore, mode, client_last)
                on conflict (device_id, datastore) do update
                    set mode = excluded.mode, client_last = excluded.client_last, updated_at = now())
            insert into sync_resume_batch (device_id, datastore, luids)
            select $1, u.datastore, array_agg(u.luid)
            from unnest($5::text[], $6::text[]) as u(datastore, luid)
            group by u.datastore""";
}
