-- The pending-changes query (StoreSql.PENDING_CHANGES) joins every item of a datastore with the device's mappings,
-- so an idle session cost PostgreSQL in proportion to the address book (0.11 ms at 40 contacts, 0.52 ms at 300:
-- loadtest/RESULTS.md, fourth round). It now notes when it found nothing owed, and skips the join while nothing that
-- decides what is owed has changed since:
--   * account.change_gen moves on with every write of the account's items and mappings: every call of
--     syncgw_write_batch (below), the only writer of item and item_map apart from removals of rows nobody is owed
--     (tombstone purges, a device's removal), which cannot make anything owed;
--   * pending_quiet holds, per device and datastore, the generation at which the query last found nothing owed and
--     the category filter it ran with (a changed filter runs the query again); calendar date windows move with the
--     clock, so a query with one never notes or skips.

alter table account add column change_gen bigint not null default 0;

create table pending_quiet (
    device_id    bigint not null references device on delete cascade,
    datastore    text not null,
    change_gen   bigint not null,
    any_category text[] not null,
    no_category  text[] not null,
    primary key (device_id, datastore)
);

-- V10's function keeps its body under another name; the one the gateway calls moves the account's generation on and
-- then runs it. First, not last: the steps' foreign-key checks lock the account row (KEY SHARE), and updating a row
-- the transaction has locked that way costs a MultiXact (0.09 ms a call when it came last); once the row is updated
-- the checks find it locked by this transaction already. The row lock comes before the steps' advisory lock in every
-- batch, so batches of one account still queue in one order; registrations lock the account row without the
-- advisory lock.
alter function syncgw_write_batch(
    bigint, bigint, text, text, text, text, text, text, text, int, int, boolean, boolean, bigint[], text[],
    int[], text[], text[], text[], text[], text[], text[], text[], text[], text[], boolean[], bigint[],
    bigint[], text[], text[], text[], text[], text[], text[], text[], text[], text[], boolean[], bigint[],
    bigint[], bigint[], text[], text[], bigint[], bigint[], bigint[], bigint[], text[], text[], text[], text[],
    text[], text[], text[], text[], int[], text[], text[], text[], int[], text[], text[], text[], text[],
    text[], text[], text)
    rename to syncgw_write_batch_steps;

create function syncgw_write_batch(
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
end
$$;
