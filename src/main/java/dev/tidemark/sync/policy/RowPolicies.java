package dev.tidemark.sync.policy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.WhereParser;
import io.quarkus.runtime.StartupEvent;

/**
 * The row policies of the synced tables ({@link RowPolicy} on each entity), as conditions for one
 * identity. Admins get no condition; a table without a policy is visible to admins only.
 *
 * <p>{@link #restrict} is the one place where a client's where becomes what may be read: the
 * policy of the table is ANDed at the top, and the policy of every table a relation in the where
 * reaches is ANDed there, so a where cannot probe rows the caller cannot see ({@code users(where:
 * {memberships: {some: {group: {name: ...}}}})} only looks at visible memberships and groups).
 */
@ApplicationScoped
public class RowPolicies {

    /** Stands for {@code "$user"} while a policy is parsed; replaced by the caller's uid for each identity. */
    static final UUID USER_PLACEHOLDER = UUID.fromString("00000000-0000-4000-8000-0000000000ff");
    private static final Condition FALSE = new Condition.AnyOf(List.of());

    @Inject
    SyncRegistry registry;

    @Inject
    WhereParser parser;

    private volatile Map<SyncTable, Condition[]> policies;

    void onStart(@Observes StartupEvent event) {
        policies(); // a policy that does not parse fails the start-up, not the first request
    }

    /** The rows of {@code table} that {@code who} sees. */
    public Condition read(SyncTable table, Identity who) {
        if (who.admin()) {
            return Condition.TRUE;
        }
        Condition[] policy = policies().get(table);
        return policy == null ? FALSE : new Condition.Visible(table, bind(policy[0], who.user()));
    }

    /** The rows of {@code table} that {@code who} may write (checked on the new values). */
    public Condition write(SyncTable table, Identity who) {
        if (who.admin()) {
            return Condition.TRUE;
        }
        Condition[] policy = policies().get(table);
        return policy == null ? FALSE : bind(policy[1], who.user());
    }

    /** The client's where for {@code table}, limited to what {@code who} may read, relations included. */
    public Condition restrict(SyncTable table, Condition where, Identity who) {
        if (who.admin()) {
            return where;
        }
        return and(guard(where, who), read(table, who));
    }

    /** Every relation of the client's where also limited to the rows of its target the caller may see. */
    private Condition guard(Condition condition, Identity who) {
        return rebuild(condition, leaf -> leaf, (target, inner) -> and(inner, read(target, who)));
    }

    /**
     * The condition rebuilt bottom-up: each comparison through {@code leaf}, each relation's inner
     * condition (already rebuilt) through {@code relation} with the relation's target table.
     */
    private static Condition rebuild(Condition condition, UnaryOperator<Condition> leaf,
            BiFunction<SyncTable, Condition, Condition> relation) {
        if (condition instanceof Condition.All all) {
            return new Condition.All(all.parts().stream().map(p -> rebuild(p, leaf, relation)).toList());
        }
        if (condition instanceof Condition.AnyOf any) {
            return new Condition.AnyOf(any.parts().stream().map(p -> rebuild(p, leaf, relation)).toList());
        }
        if (condition instanceof Condition.Not not) {
            return new Condition.Not(rebuild(not.inner(), leaf, relation));
        }
        if (condition instanceof Condition.Parent parent) {
            return new Condition.Parent(parent.relation(), parent.target(),
                    relation.apply(parent.target(), rebuild(parent.condition(), leaf, relation)));
        }
        if (condition instanceof Condition.Children children) {
            return new Condition.Children(children.relation(), children.child(), children.back(), children.some(),
                    relation.apply(children.child(), rebuild(children.condition(), leaf, relation)));
        }
        return leaf.apply(condition); // a Compare; a Visible is never in a client's where nor in a template
    }

    /** Both; flat when {@code a} is already a conjunction, so the realtime index still sees its equality parts. */
    private static Condition and(Condition a, Condition b) {
        if (b.equals(Condition.TRUE)) {
            return a;
        }
        if (a.equals(Condition.TRUE)) {
            return b;
        }
        List<Condition> parts = new ArrayList<>(a instanceof Condition.All all ? all.parts() : List.of(a));
        parts.add(b);
        return new Condition.All(List.copyOf(parts));
    }

    /** The policy with every placeholder value replaced by the user's uid. */
    private static Condition bind(Condition condition, UUID user) {
        return rebuild(condition, leaf -> {
            Condition.Compare compare = (Condition.Compare) leaf;
            Object value = compare.value();
            if (USER_PLACEHOLDER.equals(value)) {
                return new Condition.Compare(compare.column(), compare.op(), user);
            }
            if (value instanceof List<?> list && list.contains(USER_PLACEHOLDER)) {
                return new Condition.Compare(compare.column(), compare.op(),
                        list.stream().map(v -> USER_PLACEHOLDER.equals(v) ? user : v).toList());
            }
            return compare;
        }, (target, inner) -> inner);
    }

    private Map<SyncTable, Condition[]> policies() {
        Map<SyncTable, Condition[]> result = policies;
        if (result == null) {
            synchronized (this) {
                if (policies == null) {
                    Map<SyncTable, Condition[]> parsed = new HashMap<>();
                    for (SyncTable table : registry.all()) {
                        RowPolicy policy = table.entityClass().getAnnotation(RowPolicy.class);
                        if (policy != null) {
                            Condition read = parse(table, policy.read(), "read");
                            Condition write = policy.write().isBlank() ? read : parse(table, policy.write(), "write");
                            parsed.put(table, new Condition[] { read, write });
                        }
                    }
                    policies = Map.copyOf(parsed);
                }
                result = policies;
            }
        }
        return result;
    }

    private Condition parse(SyncTable table, String json, String which) {
        String where = table.typeName() + " @RowPolicy(" + which + ")";
        Object input;
        try (JsonReader reader = Json.createReader(new StringReader(json.replace("\"$user\"",
                "\"" + USER_PLACEHOLDER + "\"")))) {
            input = toJava(reader.readValue());
        } catch (JsonException e) {
            throw new IllegalStateException(where + " is not JSON: " + e.getMessage(), e);
        }
        try {
            return parser.parse(table, input, "policy");
        } catch (RuntimeException e) {
            throw new IllegalStateException(where + " is not a valid where of " + table.typeName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Object toJava(JsonValue value) {
        if (value instanceof JsonObject object) {
            Map<String, Object> map = new LinkedHashMap<>();
            object.forEach((k, v) -> map.put(k, toJava(v)));
            return map;
        }
        if (value instanceof JsonArray array) {
            List<Object> list = new ArrayList<>();
            array.forEach(v -> list.add(toJava(v)));
            return list;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        if (value instanceof JsonNumber number) {
            return number.isIntegral() ? (Object) number.longValue() : number.bigDecimalValue();
        }
        return value == JsonValue.TRUE ? Boolean.TRUE : value == JsonValue.FALSE ? Boolean.FALSE : null;
    }
}
