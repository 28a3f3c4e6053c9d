package dev.tidemark.sync.codegen;

import java.util.List;
import java.util.Map;

/**
 * Writes the GraphQL API class of one synced entity: its where, list-where, save, change and scope
 * inputs, its scope result, its query, save and delete mutations, subscription and relation fields.
 * Every method is one call into the engine ({@code TableApi}'s services).
 */
final class TableApiSource {

    private static final Map<String, String> FILTERS = Map.of("java.lang.String", "StringFilter",
            "java.util.UUID", "UuidFilter", "java.time.OffsetDateTime", "DateTimeFilter");
    private static final Map<String, String> INPUTS = Map.of("java.lang.String", "String",
            "java.util.UUID", "String", "java.time.OffsetDateTime", "OffsetDateTime");

    private final TableModel t;
    private final StringBuilder out = new StringBuilder();

    private TableApiSource(TableModel table) {
        this.t = table;
    }

    static String write(TableModel table) {
        return new TableApiSource(table).source();
    }

    private String source() {
        String x = t.name();
        String noun = TableModel.noun(x);
        String plural = noun + "s";
        if (!t.packageName().isEmpty()) {
            line("package " + t.packageName() + ";");
        }
        line("""

                import java.time.OffsetDateTime;
                import java.util.List;

                import javax.annotation.processing.Generated;

                import org.eclipse.microprofile.graphql.DefaultValue;
                import org.eclipse.microprofile.graphql.Description;
                import org.eclipse.microprofile.graphql.GraphQLApi;
                import org.eclipse.microprofile.graphql.Input;
                import org.eclipse.microprofile.graphql.Mutation;
                import org.eclipse.microprofile.graphql.NonNull;
                import org.eclipse.microprofile.graphql.Query;
                import org.eclipse.microprofile.graphql.Source;
                import org.eclipse.microprofile.graphql.Type;

                import io.smallrye.graphql.api.Subscription;
                import io.smallrye.mutiny.Multi;

                import dev.tidemark.sync.api.TableApi;
                import dev.tidemark.sync.entity.SyncedEntity;
                import dev.tidemark.sync.reconcile.ChangeInput;
                import dev.tidemark.sync.reconcile.ScopeInput;
                import dev.tidemark.sync.reconcile.ScopeResult;
                import dev.tidemark.sync.realtime.ChangeEvent;
                import dev.tidemark.sync.where.DateTimeFilter;
                import dev.tidemark.sync.where.StringFilter;
                import dev.tidemark.sync.where.SyncedWhere;
                import dev.tidemark.sync.where.UuidFilter;
                import dev.tidemark.sync.write.SyncedInput;

                /** GraphQL API of {@link X}, generated from the entity by the table API generator: edit the entity, not this. */
                @Generated("dev.tidemark.sync.codegen.TableApiProcessor")
                @GraphQLApi
                public class XApi extends TableApi {

                    @Input("XWhere")
                    @Description("Which NOUNS: conditions on columns and relations; all given fields must hold.")
                    public static class XWhere extends SyncedWhere {""".replace("NOUNS", plural).replace("X", x));
        for (TableModel.Column c : t.columns()) {
            line("        public " + FILTERS.get(c.javaType()) + " " + c.field() + ";");
        }
        for (TableModel.Parent p : t.parents()) {
            line("        @Description(\"The " + noun + "'s " + p.field() + " matches.\")");
            line("        public " + api(p.target().getQualifiedName().toString(), p.target().getSimpleName() + "Where") + " "
                    + p.field() + ";");
        }
        for (TableModel.Child c : t.children()) {
            line("        @Description(\"" + capitalized(plural) + " with some / no live " + TableModel.noun(c.field())
                    + " matching.\")");
            line("        public " + api(c.target().getQualifiedName().toString(), c.target().getSimpleName() + "ListWhere") + " "
                    + c.field() + ";");
        }
        member("""
                        public List<XWhere> and;
                        public List<XWhere> or;
                        public XWhere not;
                    }

                    @Input("XListWhere")
                    @Description("A condition on a list of related NOUNS (live ones only).")
                    public static class XListWhere {
                        public XWhere some;
                        public XWhere none;
                    }

                    @Input("XInput")
                    public static class XInput extends SyncedInput {""".replace("NOUNS", plural).replace("X", x));
        for (TableModel.Column c : t.columns().stream().filter(TableModel.Column::writable).toList()) {
            if (!c.nullable()) {
                line("        @NonNull");
            }
            line("        public " + INPUTS.get(c.javaType()) + " " + c.field() + ";");
        }
        member("""
                    }

                    @Input("XChangeInput")
                    @Description("A X changed offline: its new values, the version they were based on, its tombstone if deleted.")
                    public static class XChange extends XInput implements ChangeInput {
                        @Description("The version the change was based on; null for a row created offline.")
                        public Long baseVersion;
                        @Description("When the client deleted the row offline; null if it did not.")
                        public OffsetDateTime deletedAt;

                        @Override
                        public Long baseVersion() {
                            return baseVersion;
                        }

                        @Override
                        public OffsetDateTime deletedAt() {
                            return deletedAt;
                        }

                        @Override
                        public SyncedInput values() {
                            return this;
                        }
                    }

                    @Input("XScopeInput")
                    @Description("One X scope of a sync: its where, the rows the client holds, and its offline changes.")
                    public static class XScope extends ScopeInput {
                        public XWhere where;
                        public List<XChange> changes;

                        @Override
                        public XWhere where() {
                            return where;
                        }

                        @Override
                        public List<XChange> changes() {
                            return changes;
                        }
                    }

                    @Type("XScopeResult")
                    @Description("What the client must do for one X scope.")
                    public static class XScopeResult extends ScopeResult {
                        @NonNull
                        @Description("Rows to store (replacing the cached copy), tombstones included.")
                        public List<@NonNull X> upserts;

                        @Override
                        protected void storeUpserts(List<? extends SyncedEntity> rows) {
                            upserts = rows.stream().map(X.class::cast).toList();
                        }
                    }

                    @Query
                    @Description("CNOUNS matching the where (all when absent); tombstones only with includeDeleted (null: as false).")
                    public @NonNull List<@NonNull X> QUERY(XWhere where, @DefaultValue("false") Boolean includeDeleted) {
                        return queries.list(X.class, where, Boolean.TRUE.equals(includeDeleted));
                    }

                    @Mutation
                    @Description("Creates or updates the NOUN with input.uidREFUSED")
                    public @NonNull X saveX(@NonNull XInput input) {
                        return writes.save(X.class, input);
                    }

                    @Mutation
                    @Description("Deletes (tombstones) the NOUNCASCADE.")
                    public @NonNull X deleteX(@NonNull String uid) {
                        return writes.delete(X.class, uid);
                    }

                    @Subscription
                    @Description("Changes of NOUNS matching the where, from commit order: READY first, then UPSERT, DELETE, LEAVE_SCOPE or RESYNC.")
                    public Multi<ChangeEvent<X>> LOWERChanged(XWhere where) {
                        return hub.subscribe(X.class, where);
                    }""".replace("CNOUNS", capitalized(plural)).replace("NOUNS", plural).replace("NOUN", noun)
                .replace("QUERY", t.plural()).replace("LOWER", t.plural().substring(0, t.plural().length() - 1))
                .replace("REFUSED", refused()).replace("CASCADE", cascade()).replace("X", x));
        relations();
        line("}");
        return out.toString();
    }

    private void relations() {
        String x = t.name();
        String rows = "rows";
        for (TableModel.Parent p : t.parents()) {
            String target = p.target().getQualifiedName().toString();
            method(p.description() == null ? "The " + TableModel.noun(x) + "'s " + p.field() + " (even if deleted)." : p.description(),
                    "List<" + target + ">", p.field(), "relations.parents(" + rows + ", \"" + p.field() + "\", " + target + ".class)");
        }
        for (TableModel.Child c : t.children()) {
            String target = c.target().getQualifiedName().toString();
            method(c.description() == null ? "The live " + TableModel.noun(c.field()) + " of the " + TableModel.noun(x) + "."
                    : c.description(), "List<@NonNull List<" + nonNull(target) + ">>", c.field(),
                    "relations.children(" + rows + ", \"" + c.field() + "\", " + target + ".class)");
        }
        for (TableModel.Through through : t.throughs()) {
            TableModel.Child via = t.children().stream().filter(c -> c.field().equals(through.via())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(x + ": @Through(via = \"" + through.via()
                            + "\") names no one-to-many field of the entity"));
            String join = via.target().getQualifiedName().toString();
            String target = TableApiProcessor.parentType(via.target(), through.to());
            method(through.description().isEmpty() ? "The live " + TableModel.noun(through.name()) + " of the "
                    + TableModel.noun(x) + "." : through.description(), "List<@NonNull List<" + nonNull(target) + ">>",
                    through.name(), "relations.through(" + rows + ", \"" + through.via() + "\", " + join + ".class, \""
                            + through.to() + "\", " + target + ".class)");
        }
    }

    private void method(String description, String type, String name, String body) {
        line("");
        line("    @Description(\"" + escape(description) + "\")");
        line("    public " + type + " " + name + "(@Source List<" + t.name() + "> rows) {");
        line("        return " + body + ";");
        line("    }");
    }

    /** "; refused when its user or group is missing or deleted." for a table with parents; "." without. */
    private String refused() {
        List<String> parents = t.parents().stream().map(p -> TableModel.noun(p.field())).toList();
        return parents.isEmpty() ? "." : "; refused when its " + String.join(" or ", parents) + " is missing or deleted.";
    }

    /** " and its memberships" for the children that are tombstoned with the row; "" for none. */
    private String cascade() {
        List<String> children = t.children().stream()
                .filter(c -> TableApiProcessor.cascades(c.target(), c.parentField()))
                .map(c -> TableModel.noun(c.field())).toList();
        return children.isEmpty() ? "" : " and its " + String.join(" and ", children);
    }

    /** The nested type {@code simple} of the API class generated for {@code entity}. */
    private static String api(String entity, String simple) {
        return entity + "Api." + simple;
    }

    /** {@code a.b.@NonNull C}: a type annotation goes on the simple name of a qualified type. */
    static String nonNull(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return qualified.substring(0, dot + 1) + "@NonNull " + qualified.substring(dot + 1);
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Appends a block of the class body written one level less indented (as text blocks strip it). */
    private void member(String block) {
        block.lines().forEach(l -> line(l.isBlank() ? "" : "    " + l));
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
