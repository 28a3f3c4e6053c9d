package dev.tidemark.sync.where;

import java.util.List;

/**
 * A where-scope rendered as a parameterised SQL predicate over the alias {@link #ROOT} of its table
 * ({@link JpqlRenderer#renderSql}). Values only ever travel as parameters; table and column names
 * come from the registry, never from input.
 *
 * @param predicate SQL boolean expression
 * @param parameters the values of its {@code ?} parameters, in order
 */
public record SqlScope(String predicate, List<Object> parameters) {

    public static final String ROOT = "e";
}
