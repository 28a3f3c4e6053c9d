package dev.tidemark.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/** Plain JDBC access to the test database, to check what was really written (not what the API says). */
@ApplicationScoped
public class Db {

    public static final String TABLES = "user_note, user_document_event, user_document, user_group, app_group, app_user";

    @Inject
    AgroalDataSource dataSource;

    /** Empties every table; retried when it deadlocks with the change-log tailer reading several of them. */
    public void clear() {
        for (int attempt = 1;; attempt++) {
            try {
                update("truncate " + TABLES);
                return;
            } catch (IllegalStateException e) {
                boolean deadlock = e.getCause() instanceof SQLException sql && "40P01".equals(sql.getSQLState());
                if (!deadlock || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    public int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, args)) {
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String sql, Object... args) {
        return ((Number) rows(sql, args).get(0).values().iterator().next()).longValue();
    }

    public Map<String, Object> row(String sql, Object... args) {
        List<Map<String, Object>> rows = rows(sql, args);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }

    public List<Map<String, Object>> rows(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, args);
                ResultSet rs = s.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Runs a statement on a connection the caller holds (an open transaction of its own). */
    public void query(Connection c, String sql, Object... args) {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                // read to the end: row locks are taken as rows are returned
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Waits (up to 30 s) until at least {@code count} sessions wait for a row or table lock. */
    public void awaitLockWaiters(int count) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> count("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                        + " and datname = current_database()") >= count);
    }

    /** A digest of every table's content, to prove that a refused request wrote nothing. */
    public List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String table : TABLES.split(", ")) {
            all.addAll(rows("select '" + table + "' as t, uid::text, version, deleted_at from " + table + " order by uid"));
        }
        return all;
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }
}
