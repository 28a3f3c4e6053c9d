package dev.tidemark.sync.where;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A column operator of the where-inputs, named as in the GraphQL filter types. */
public enum Op {
    EQ("eq"), NE("ne"), IN("in"), NOT_IN("notIn"), LT("lt"), LTE("lte"), GT("gt"), GTE("gte"),
    IS_NULL("isNull"), CONTAINS("contains"), STARTS_WITH("startsWith");

    private static final Map<String, Op> BY_FIELD = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(op -> op.field, Function.identity()));

    private final String field;

    Op(String field) {
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The operator of a filter field, or null when the name is not an operator. */
    public static Op ofField(String field) {
        return BY_FIELD.get(field);
    }

    public boolean takesList() {
        return this == IN || this == NOT_IN;
    }
}
