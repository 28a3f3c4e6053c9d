package dev.tidemark.sync.reconcile;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;

import org.hibernate.jpa.HibernateHints;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.cursor.ScopeStamp;
import dev.tidemark.sync.cursor.StampSource;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.JpqlScope;
import dev.tidemark.sync.where.ScopeRelations;

/**
 * Answers a stamped reconnect from the change log (docs/design.md, "Reconnect from the change
 * log"): the rows of the scope's table written since the stamp, the rows a one-relation-away change
 * may have moved in or out (by {@link ScopeRelations}, the realtime evaluator's rules), and the
 * client's own changes are the candidates; each is matched against the scope now, in SQL, and
 * answered as the full comparison would answer it. Every row not among them is unchanged since the
 * stamp, so the client already holds it as the comparison would leave it. When the log cannot
 * decide, {@link #attempt} says why and the caller compares the whole scope.
 */
@ApplicationScoped
public class LogReconnect {

    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    @Inject
    EntityManager em;

    @Inject
    TidemarkConfig config;

    /** The log's answer, or the reason there is none. */
    record Attempt(ScopeOutcome outcome, FallbackReason fallback) {
    }

    /** Reasons known without reading the log, or null when the log may answer. */
    FallbackReason precheck(ScopeRequest scope, String key, StampSource.Base base) {
        ScopeStamp stamp = scope.stamp();
        if (stamp == null) {
            return FallbackReason.NO_STAMP;
        }
        if (scope.verify()) {
            return FallbackReason.VERIFY_REQUESTED;
        }
        if (!config.sync().logReconnect()) {
            return FallbackReason.DISABLED;
        }
        if (!stamp.versioned()) {
            return FallbackReason.UNVERSIONED_STAMP;
        }
        // A watermark ahead of the database's own cannot come from this history.
        if (!stamp.incarnation().equals(base.incarnation()) || stamp.cursor().xmin() > base.cursor().xmin()) {
            return FallbackReason.OTHER_DATABASE;
        }
        if (!stamp.scope().equals(key)) {
            return FallbackReason.OTHER_SCOPE;
        }
        Instant horizon = base.cursor().at().minus(config.realtime().retention());
        if (stamp.cursor().at().isBefore(horizon)) {
            return FallbackReason.TOO_OLD;
        }
        if (base.prunedThrough() >= stamp.cursor().xmin()) {
            return FallbackReason.LOG_PRUNED;
        }
        return null;
    }

    Attempt attempt(ScopeRequest scope, String key, StampSource.Base base, ChangeResults results) {
        FallbackReason reason = precheck(scope, key, base);
        if (reason != null) {
            return new Attempt(null, reason);
        }
        SyncTable table = scope.table();
        ScopeRelations relations = ScopeRelations.of(scope.condition());
        long xmin = scope.stamp().cursor().xmin();
        Set<String> tables = new HashSet<>();
        tables.add(table.tableName());
        relations.parents().forEach(p -> tables.add(p.target().tableName()));
        relations.children().forEach(c -> tables.add(c.child().tableName()));
        tables.addAll(relations.deepTables());
        int max = config.sync().logReconnectMaxChanges();
        List<Object[]> entries = entries(table, tables, xmin, !relations.children().isEmpty(), max + 1);
        if (entries.stream().anyMatch(entry -> entry[0] == null)) {
            return new Attempt(null, FallbackReason.TOMBSTONES_PURGED);
        }
        if (entries.size() > max) {
            return new Attempt(null, FallbackReason.TOO_MANY_CHANGES);
        }
        Map<String, Set<UUID>> byTable = new HashMap<>();
        Map<String, List<String>> oldRows = new HashMap<>();
        for (Object[] entry : entries) {
            String name = (String) entry[0];
            if (relations.deepTables().contains(name)) {
                return new Attempt(null, FallbackReason.RELATED_CHANGE); // the realtime evaluator's RESYNC
            }
            byTable.computeIfAbsent(name, t -> new LinkedHashSet<>()).add((UUID) entry[1]);
            if (entry[2] != null) {
                oldRows.computeIfAbsent(name, t -> new ArrayList<>()).add((String) entry[2]);
            }
        }
        Set<UUID> candidates = new LinkedHashSet<>(byTable.getOrDefault(table.tableName(), Set.of()));
        for (Condition.Parent parent : relations.parents()) {
            Set<UUID> changed = byTable.getOrDefault(parent.target().tableName(), Set.of());
            candidates.addAll(uids("select uid from " + table.tableName() + " where " + parent.relation().foreignKey().column()
                    + " = any(cast(:uids as uuid[]))", changed));
        }
        for (Condition.Children children : relations.children()) {
            String child = children.child().tableName();
            String column = children.back().foreignKey().column();
            Set<UUID> changed = byTable.getOrDefault(child, Set.of());
            candidates.addAll(uids("select " + column + " from " + child + " where uid = any(cast(:uids as uuid[]))", changed));
            for (String old : oldRows.getOrDefault(child, List.of())) {
                JsonValue parent = parse(old).get(column);
                if (parent != null && parent.getValueType() == JsonValue.ValueType.STRING) {
                    candidates.add(UUID.fromString(((jakarta.json.JsonString) parent).getString()));
                }
            }
        }
        scope.changes().forEach(change -> candidates.add(change.uid()));
        if (candidates.size() > max) {
            return new Attempt(null, FallbackReason.TOO_MANY_CHANGES);
        }
        return new Attempt(answer(scope, candidates, results), null);
    }

    /** Each candidate answered as the full comparison answers it ({@link ScopeReader}). */
    private ScopeOutcome answer(ScopeRequest scope, Set<UUID> candidates, ChangeResults results) {
        Set<UUID> changed = new HashSet<>();
        scope.changes().forEach(change -> changed.add(change.uid()));
        boolean heldList = scope.digest() == null;
        List<SyncedEntity> upserts = new ArrayList<>();
        Set<UUID> inScope = new HashSet<>();
        for (SyncedEntity row : inScope(scope, candidates)) {
            UUID uid = row.uid;
            inScope.add(uid);
            if (changed.contains(uid)) {
                upserts.add(row); // every change is answered with the server's row
            } else if (!heldList) {
                upserts.add(row); // a digest does not say which rows the client holds: send it (tombstones too)
            } else if (scope.held().containsKey(uid)) {
                if (scope.held().get(uid) != row.version) {
                    upserts.add(row);
                }
            } else if (row.deletedAt == null) {
                upserts.add(row); // tombstones go only to clients that hold the row
            }
        }
        List<UUID> drops = new ArrayList<>();
        for (UUID uid : candidates) {
            if (!inScope.contains(uid) && (!heldList || changed.contains(uid) || scope.held().containsKey(uid))) {
                drops.add(uid);
            }
        }
        return new ScopeOutcome(scope.id(), upserts, drops, results.applied(), results.rejected(),
                heldList ? null : List.of(), null, null, AnswerSource.CHANGE_LOG, null);
    }

    /**
     * The entries of {@code tables} whose transaction is at or above the stamp's watermark: every
     * transaction below it had ended when the stamp was taken, so its changes were in that answer;
     * one at or above it may have committed later, whatever its entries' ids (design §5). In the same
     * statement (one round trip instead of two), whether tombstones of {@code table} were purged since:
     * then a row is all nulls and the log cannot answer.
     */
    @SuppressWarnings("unchecked")
    private List<Object[]> entries(SyncTable table, Set<String> tables, long xmin, boolean oldRows, int limit) {
        // The watermark is a number (parsed from the stamp), written as a literal: a prepared statement's generic
        // plan would estimate "tx >= $1" at a third of the log and scan all of it.
        String since = "tx >= '" + xmin + "'::xid8";
        return em.createNativeQuery("(select null::text, null::uuid, null::text from sync_purge where table_name = :table and "
                + since + " limit 1) union all (select table_name, row_uid, " + (oldRows ? "old_row::text" : "null::text")
                + " from sync_change where " + since + " and table_name = any(cast(:tables as text[])) limit " + limit + ")")
                .setParameter("table", table.tableName()).setParameter("tables", "{" + String.join(",", tables) + "}")
                .getResultList();
    }

    @SuppressWarnings("unchecked")
    private List<UUID> uids(String sql, Set<UUID> uids) {
        if (uids.isEmpty()) {
            return List.of();
        }
        List<UUID> found = new ArrayList<>();
        for (Object uid : em.createNativeQuery(sql).setParameter("uids", array(uids)).getResultList()) {
            if (uid != null) {
                found.add((UUID) uid);
            }
        }
        return found;
    }

    /** The candidates that are in the scope now, tombstones included, as full rows. */
    private List<SyncedEntity> inScope(ScopeRequest scope, Set<UUID> candidates) {
        List<SyncedEntity> rows = new ArrayList<>(candidates.size());
        if (candidates.isEmpty()) {
            return rows;
        }
        JpqlScope where = JpqlRenderer.render(scope.condition());
        List<UUID> all = new ArrayList<>(candidates);
        for (int from = 0; from < all.size(); from += ScopeReader.CHUNK) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + ScopeReader.CHUNK));
            var query = em.createQuery("select " + JpqlScope.ROOT + " from " + scope.table().entityName() + " " + JpqlScope.ROOT
                    + " where " + JpqlScope.ROOT + ".uid in :candidates and (" + where.predicate() + ") order by "
                    + JpqlScope.ROOT + ".createdAt, " + JpqlScope.ROOT + ".uid", scope.table().entityClass());
            rows.addAll(where.bind(query).setParameter("candidates", chunk).setHint(HibernateHints.HINT_READ_ONLY, true)
                    .getResultList());
        }
        return rows;
    }

    private static String array(Set<UUID> uids) {
        StringBuilder text = new StringBuilder("{");
        for (UUID uid : uids) {
            text.append(text.length() > 1 ? "," : "").append(uid);
        }
        return text.append('}').toString();
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
