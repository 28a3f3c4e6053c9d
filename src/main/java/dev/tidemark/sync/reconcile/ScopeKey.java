package dev.tidemark.sync.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;

/**
 * The key a scope stamp carries: a hash of the scope as the server compiled it (table, where, and
 * the caller's row policy with its uid), so a stamp is only ever used for the scope it was taken
 * for. Rendered from names and values only (never identity hash codes), so every instance of the
 * same build computes the same key.
 */
final class ScopeKey {

    private ScopeKey() {
    }

    static String of(SyncTable table, Condition condition) {
        StringBuilder text = new StringBuilder(table.tableName()).append('|');
        render(condition, text);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void render(Condition condition, StringBuilder out) {
        if (condition instanceof Condition.All all) {
            list("all", all.parts(), out);
        } else if (condition instanceof Condition.AnyOf any) {
            list("any", any.parts(), out);
        } else if (condition instanceof Condition.Not not) {
            out.append("not(");
            render(not.inner(), out);
            out.append(')');
        } else if (condition instanceof Condition.Compare compare) {
            out.append("cmp(").append(compare.column().column()).append(',').append(compare.op()).append(',');
            value(compare.value(), out);
            out.append(')');
        } else if (condition instanceof Condition.Parent parent) {
            out.append("parent(").append(parent.relation().field()).append(',').append(parent.target().tableName()).append(',');
            render(parent.condition(), out);
            out.append(')');
        } else if (condition instanceof Condition.Children children) {
            out.append("children(").append(children.relation().field()).append(',').append(children.child().tableName())
                    .append(',').append(children.some()).append(',');
            render(children.condition(), out);
            out.append(')');
        } else if (condition instanceof Condition.Visible visible) {
            out.append("visible(").append(visible.table().tableName()).append(',');
            render(visible.condition(), out);
            out.append(')');
        }
    }

    private static void list(String name, List<Condition> parts, StringBuilder out) {
        out.append(name).append('(');
        for (Condition part : parts) {
            render(part, out);
            out.append(';');
        }
        out.append(')');
    }

    /** A value, length-prefixed so that no text can pass for another structure. */
    private static void value(Object value, StringBuilder out) {
        if (value instanceof List<?> list) {
            out.append('[');
            list.forEach(v -> value(v, out));
            out.append(']');
            return;
        }
        String text = String.valueOf(value);
        out.append(value == null ? "n" : value.getClass().getSimpleName().charAt(0)).append(text.length()).append('"')
                .append(text);
    }
}
