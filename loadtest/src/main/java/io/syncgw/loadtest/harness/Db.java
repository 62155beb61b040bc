package io.syncgw.loadtest.harness;

import io.syncgw.engine.auth.PasswordHasher;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the load test does on the gateway's database over JDBC (blocking: set-up, checks and reports only, never
 * while measuring): creates accounts in bulk, counts what the server stores per account, and reads
 * {@code pg_stat_statements}.
 *
 * <p>Accounts are rows of the {@code account} table ({@code login, password_hash, md5_digest}) as
 * {@code syncgw user add} writes them: a PBKDF2 hash from {@link PasswordHasher} and the MD5 secret
 * {@link PasswordHasher#md5Digest}. All accounts of a run share one password, so the (slow) hash is computed once.
 */
public final class Db implements AutoCloseable {
    private final Connection c;

    public Db(String jdbcUrl) throws SQLException {
        this.c = DriverManager.getConnection(jdbcUrl);
        this.c.setAutoCommit(true);
    }

    /**
     * Creates the accounts {@code logins} with {@code password} (existing ones are left alone).
     *
     * @param iterations PBKDF2 iterations of the stored hash: what a basic-auth login costs the server
     * @return accounts created
     */
    public int createAccounts(List<String> logins, String password, int iterations) throws SQLException {
        String hash = new PasswordHasher(iterations).hash(password);
        int created = 0;
        String sql = "insert into account (login, password_hash, md5_digest) "
                + "select l, ?, d from unnest(?::text[], ?::text[]) as t(l, d) on conflict (login) do nothing";
        for (int from = 0; from < logins.size(); from += 5000) {
            List<String> part = logins.subList(from, Math.min(logins.size(), from + 5000));
            String[] ls = part.toArray(new String[0]);
            String[] ds = new String[ls.length];
            for (int i = 0; i < ls.length; i++) {
                ds[i] = PasswordHasher.md5Digest(ls[i], password);
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Array la = c.createArrayOf("text", ls);
                Array da = c.createArrayOf("text", ds);
                ps.setString(1, hash);
                ps.setArray(2, la);
                ps.setArray(3, da);
                created += ps.executeUpdate();
            }
        }
        return created;
    }

    /** Live items per datastore of every account whose login starts with {@code prefix}: login -> store -> n. */
    public Map<String, Map<String, Integer>> liveItems(String prefix) throws SQLException {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select a.login, i.datastore, count(i.id)::int
                from account a left join item i on i.account_id = a.id and not i.deleted
                where a.login like ? group by a.login, i.datastore""")) {
            ps.setString(1, prefix.replace("_", "\\_").replace("%", "\\%") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Integer> m = out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>());
                    if (rs.getString(2) != null) {
                        m.put(rs.getString(2), rs.getInt(3));
                    }
                }
            }
        }
        return out;
    }

    /** Devices registered per account whose login starts with {@code prefix}. */
    public Map<String, Integer> devices(String prefix) throws SQLException {
        Map<String, Integer> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select a.login, count(d.id)::int from account a left join device d on d.account_id = a.id
                where a.login like ? group by a.login""")) {
            ps.setString(1, prefix.replace("_", "\\_").replace("%", "\\%") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /**
     * What the server believes a device holds: its mappings (LUID to item) with each item's state, as
     * "luid -> item id, live|deleted, known_seq/change_seq, FN line"; for explaining a mismatch.
     */
    public Map<String, String> deviceMappings(String deviceUri) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select m.luid, i.id, i.deleted, m.known_seq, i.change_seq,
                       substring(i.content from 'FN[^:]*:([^\r\n]*)')
                from device d join item_map m on m.device_id = d.id join item i on i.id = m.item_id
                where d.device_uri = ?""")) {
            ps.setString(1, deviceUri);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(String.valueOf(rs.getString(1)), "item " + rs.getLong(2) + (rs.getBoolean(3)
                            ? " deleted" : " live") + " known " + rs.getLong(4) + "/" + rs.getLong(5) + " "
                            + rs.getString(6));
                }
            }
        }
        return out;
    }

    /** The live items of an account nobody maps for {@code deviceUri}: "item id FN". */
    public List<String> unmappedLiveItems(String login, String deviceUri) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select i.id, substring(i.content from 'FN[^:]*:([^\r\n]*)') from item i
                join account a on a.id = i.account_id
                where a.login = ? and not i.deleted and not exists (
                    select 1 from item_map m join device d on d.id = m.device_id
                    where m.item_id = i.id and d.device_uri = ?)""")) {
            ps.setString(1, login);
            ps.setString(2, deviceUri);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("item " + rs.getLong(1) + " " + rs.getString(2));
                }
            }
        }
        return out;
    }

    /** True when {@code pg_stat_statements} is loaded (shared_preload_libraries) and could be created. */
    public boolean statementsAvailable() {
        try (Statement st = c.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
            st.executeQuery("select count(*) from pg_stat_statements").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    public void resetStatements() throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeQuery("select pg_stat_statements_reset()").close();
        }
    }

    /**
     * One row of {@code pg_stat_statements}; {@code topLevel} false for a statement run inside a function (counted
     * with {@code pg_stat_statements.track = all}, PostgreSQL 14 and later), which costs no round trip.
     */
    public record StatementStats(String query, long calls, double totalMs, long rows, boolean topLevel) {
    }

    /**
     * Statements run by the gateway's database user since the last reset, most called first; statements of this
     * harness (its JDBC connection's application name) are left out.
     */
    public List<StatementStats> statements() throws SQLException {
        try {
            return statements("toplevel");
        } catch (SQLException e) {
            return statements("true"); // before PostgreSQL 14: no column toplevel, only top-level statements counted
        }
    }

    private List<StatementStats> statements(String topLevel) throws SQLException {
        List<StatementStats> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                select query, calls, total_exec_time, rows, %s from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                  and query not like '%%pg_stat_statements%%'
                  and query not like '%%unnest(%%::text[], %%::text[]) as t(l, d)%%'
                  and query not like 'select a.login%%'
                order by calls desc""".formatted(topLevel))) {
            while (rs.next()) {
                out.add(new StatementStats(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getLong(4),
                        rs.getBoolean(5)));
            }
        }
        return out;
    }

    /** Server-side counters that tell what a run did: commits and rollbacks of the database. */
    public Map<String, Long> databaseCounters() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select xact_commit, xact_rollback from pg_stat_database where datname = current_database()")) {
            if (rs.next()) {
                out.put("xact_commit", rs.getLong(1));
                out.put("xact_rollback", rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * The cluster's WAL counters ({@code pg_stat_wal}, PostgreSQL 14-17): {@code wal_records}, {@code wal_bytes},
     * {@code wal_write} (write calls) and {@code wal_sync} (flushes to disk: what a committing session waits for
     * with {@code synchronous_commit} on), with this database's {@code xact_commit}; empty when the server has no such
     * view or columns (PostgreSQL 18 moved the write and sync counts to {@code pg_stat_io}). Cumulative: a run takes
     * the difference of two readings.
     */
    public Map<String, Long> walCounters() {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                select w.wal_records, w.wal_bytes::bigint, w.wal_write, w.wal_sync, d.xact_commit
                from pg_stat_wal w, pg_stat_database d where d.datname = current_database()""")) {
            if (rs.next()) {
                out.put("wal_records", rs.getLong(1));
                out.put("wal_bytes", rs.getLong(2));
                out.put("wal_write", rs.getLong(3));
                out.put("wal_sync", rs.getLong(4));
                out.put("xact_commit", rs.getLong(5));
            }
        } catch (SQLException e) {
            out.clear();
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
