package dev.tidemark.sync.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.reconcile.HeldDigest;
import dev.tidemark.sync.schema.ChildRelation;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import io.quarkus.runtime.configuration.MemorySize;

import dev.tidemark.sync.api.SchemaDescription.ChildDescription;
import dev.tidemark.sync.api.SchemaDescription.ColumnDescription;
import dev.tidemark.sync.api.SchemaDescription.LimitsDescription;
import dev.tidemark.sync.api.SchemaDescription.ParentDescription;
import dev.tidemark.sync.api.SchemaDescription.TableDescription;

/**
 * Describes the {@link SyncRegistry} for clients. Operation names follow the per-table API
 * convention ({@code Group} → {@code groups}, {@code groupChanged}, {@code saveGroup}).
 */
@ApplicationScoped
public class SchemaDescriber {

    @Inject
    SyncRegistry registry;

    @Inject
    TidemarkConfig config;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    private volatile SchemaDescription description;

    public SchemaDescription describe() {
        SchemaDescription result = description;
        if (result == null) {
            result = build();
            description = result;
        }
        return result;
    }

    private SchemaDescription build() {
        SchemaDescription schema = new SchemaDescription();
        schema.tables = registry.inDependencyOrder().stream().map(this::table).toList();
        schema.version = digest(schema);
        schema.limits = limits();
        return schema;
    }

    private LimitsDescription limits() {
        LimitsDescription limits = new LimitsDescription();
        limits.maxSyncRows = config.sync().maxRows();
        limits.maxSyncScopes = config.sync().maxScopes();
        limits.maxSyncPageSize = config.sync().maxPageSize();
        limits.maxDigestBuckets = HeldDigest.MAX_BUCKETS;
        limits.maxInSize = config.where().maxInSize();
        limits.maxWhereDepth = config.where().maxDepth();
        limits.maxSubscriptionsPerConnection = config.realtime().maxSubscriptionsPerConnection();
        limits.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, maxBodySize.asLongValue());
        return limits;
    }

    private TableDescription table(SyncTable table) {
        String lower = Character.toLowerCase(table.typeName().charAt(0)) + table.typeName().substring(1);
        TableDescription t = new TableDescription();
        t.name = table.typeName();
        t.table = table.tableName();
        t.primaryKey = "uid";
        t.queryField = lower + "s";
        t.subscriptionField = lower + "Changed";
        t.saveMutation = "save" + table.typeName();
        t.deleteMutation = "delete" + table.typeName();
        t.conflictPolicy = table.deleteWins() ? "DELETE_WINS" : "LAST_WRITER_WINS";
        t.columns = table.columns().values().stream()
                .sorted(Comparator.comparing((SyncColumn c) -> !c.field().equals("uid")).thenComparing(SyncColumn::field))
                .map(SchemaDescriber::column).toList();
        t.parents = table.parents().values().stream().sorted(Comparator.comparing(ParentRelation::field))
                .map(p -> parent(p)).toList();
        t.children = table.children().values().stream().sorted(Comparator.comparing(ChildRelation::field))
                .map(this::child).toList();
        return t;
    }

    private static ColumnDescription column(SyncColumn column) {
        ColumnDescription c = new ColumnDescription();
        c.name = column.field();
        c.column = column.column();
        c.type = type(column);
        c.nullable = column.nullable();
        c.system = column.system();
        return c;
    }

    private ParentDescription parent(ParentRelation relation) {
        ParentDescription p = new ParentDescription();
        p.field = relation.field();
        p.foreignKey = relation.foreignKey().field();
        p.target = registry.table(relation.target()).typeName();
        p.cascade = relation.cascade();
        return p;
    }

    private ChildDescription child(ChildRelation relation) {
        SyncTable child = registry.table(relation.child());
        ChildDescription c = new ChildDescription();
        c.field = relation.field();
        c.target = child.typeName();
        c.parentField = relation.parentField();
        c.foreignKey = child.parents().get(relation.parentField()).foreignKey().field();
        return c;
    }

    static String type(SyncColumn column) {
        Class<?> type = column.type();
        if (column.field().equals("version")) {
            return "VERSION";
        }
        if (type == UUID.class) {
            return "UUID";
        }
        if (type == OffsetDateTime.class) {
            return "DATETIME";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "BOOLEAN";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class || type == BigInteger.class) {
            return "INT";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class || type == BigDecimal.class) {
            return "FLOAT";
        }
        return "STRING";
    }

    /** A digest of the description's content, stable across restarts and instances. */
    private static String digest(SchemaDescription schema) {
        StringBuilder text = new StringBuilder();
        for (TableDescription t : schema.tables) {
            text.append(t.name).append('|').append(t.table).append('|').append(t.conflictPolicy).append('\n');
            t.columns.forEach(c -> text.append(" c ").append(c.name).append(' ').append(c.type).append(' ').append(c.nullable).append('\n'));
            t.parents.forEach(p -> text.append(" p ").append(p.field).append(' ').append(p.foreignKey).append(' ')
                    .append(p.target).append(' ').append(p.cascade).append('\n'));
            t.children.forEach(c -> text.append(" r ").append(c.field).append(' ').append(c.target).append(' ').append(c.parentField).append('\n'));
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
