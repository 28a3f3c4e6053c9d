package dev.tidemark.sync.input;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.EnumValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLScalarType;

/**
 * graphql-java's input coercion rules, applied to one value with its path, to say which part of
 * it is refused and why: null for a non-null type, a list or a single value for a list, an object
 * with known fields and its required ones for an input object, a known name for an enum, and each
 * scalar's own coercing. A literal ({@link #literal}) may contain variables, which are handed to
 * the {@link VariableUse} with their path; a variable's JSON value is checked by {@link #raw}.
 */
final class InputValues {

    /** A refused part of a value: its path and what is wrong with it. */
    record Refusal(String path, String sentence) {
    }

    /** Told where a variable is used inside a literal. */
    interface VariableUse {
        void at(VariableReference reference, String path);
    }

    private static final Map<String, String> STANDARD = Map.of(
            "String", "expected a String (text in double quotes)",
            "Boolean", "expected a Boolean (true or false)",
            "ID", "expected an ID (a string)",
            "Float", "expected a Float (a number)");

    private final GraphQLContext context;
    private final Locale locale;
    private final VariableUse variables;

    InputValues(GraphQLContext context, Locale locale, VariableUse variables) {
        this.context = context;
        this.locale = locale;
        this.variables = variables;
    }

    Refusal literal(Value<?> value, GraphQLInputType type, String path) {
        if (value instanceof VariableReference reference) {
            variables.at(reference, path);
            return null;
        }
        if (type instanceof GraphQLNonNull nonNull) {
            return value instanceof NullValue ? required(path) : literal(value, (GraphQLInputType) nonNull.getWrappedType(), path);
        }
        if (value instanceof NullValue) {
            return null;
        }
        if (type instanceof GraphQLList list) {
            GraphQLInputType item = (GraphQLInputType) list.getWrappedType();
            if (!(value instanceof ArrayValue array)) {
                return literal(value, item, path); // a single value stands for a list of one
            }
            return first(array.getValues(), (v, i) -> literal(v, item, path + "[" + i + "]"));
        }
        if (type instanceof GraphQLInputObjectType object) {
            if (!(value instanceof ObjectValue fields)) {
                return new Refusal(path, "expected an object (" + object.getName() + ")");
            }
            Map<String, Value<?>> given = fields.getObjectFields().stream()
                    .collect(Collectors.toMap(ObjectField::getName, f -> (Value<?>) f.getValue(), (a, b) -> a));
            Refusal shape = shape(object, given.keySet(), path);
            return shape != null ? shape : first(object.getFieldDefinitions(), (f, i) -> given.containsKey(f.getName())
                    ? literal(given.get(f.getName()), f.getType(), path + "." + f.getName()) : null);
        }
        if (type instanceof GraphQLEnumType enumType) {
            return value instanceof EnumValue name && enumType.getValue(name.getName()) != null ? null : notOneOf(enumType, path);
        }
        GraphQLScalarType scalar = (GraphQLScalarType) type;
        try {
            scalar.getCoercing().parseLiteral(value, CoercedVariables.emptyVariables(), context, locale);
            return null;
        } catch (RuntimeException e) {
            return new Refusal(path, sentence(scalar, e));
        }
    }

    Refusal raw(Object value, GraphQLInputType type, String path) {
        if (type instanceof GraphQLNonNull nonNull) {
            return value == null ? required(path) : raw(value, (GraphQLInputType) nonNull.getWrappedType(), path);
        }
        if (value == null) {
            return null;
        }
        if (type instanceof GraphQLList list) {
            GraphQLInputType item = (GraphQLInputType) list.getWrappedType();
            if (!(value instanceof List<?> items)) {
                return raw(value, item, path);
            }
            return first(items, (v, i) -> raw(v, item, path + "[" + i + "]"));
        }
        if (type instanceof GraphQLInputObjectType object) {
            if (!(value instanceof Map<?, ?> given)) {
                return new Refusal(path, "expected an object (" + object.getName() + ")");
            }
            Set<String> names = given.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
            Refusal shape = shape(object, names, path);
            return shape != null ? shape : first(object.getFieldDefinitions(), (f, i) -> given.containsKey(f.getName())
                    ? raw(given.get(f.getName()), f.getType(), path + "." + f.getName()) : null);
        }
        if (type instanceof GraphQLEnumType enumType) {
            return value instanceof String name && enumType.getValue(name) != null ? null : notOneOf(enumType, path);
        }
        GraphQLScalarType scalar = (GraphQLScalarType) type;
        try {
            scalar.getCoercing().parseValue(value, context, locale);
            return null;
        } catch (RuntimeException e) {
            return new Refusal(path, sentence(scalar, e));
        }
    }

    /** Unknown fields, then missing required ones (non-null without a default). */
    private static Refusal shape(GraphQLInputObjectType object, Set<String> given, String path) {
        for (String name : given) {
            if (object.getField(name) == null) {
                return new Refusal(path + "." + name, StrictScalars.quote(name) + " is not a field of "
                        + object.getName() + " (its fields: " + object.getFieldDefinitions().stream()
                                .map(GraphQLInputObjectField::getName).collect(Collectors.joining(", ")) + ")");
            }
        }
        for (GraphQLInputObjectField field : object.getFieldDefinitions()) {
            if (field.getType() instanceof GraphQLNonNull && !field.hasSetDefaultValue() && !given.contains(field.getName())) {
                return new Refusal(path + "." + field.getName(), "is required (" + object.getName() + "." + field.getName() + ")");
            }
        }
        return null;
    }

    private static Refusal required(String path) {
        return new Refusal(path, "is required: null is not allowed here");
    }

    private static Refusal notOneOf(GraphQLEnumType type, String path) {
        return new Refusal(path, "expected one of " + type.getValues().stream().map(v -> v.getName()).collect(Collectors.joining(", "))
                + " (" + type.getName() + ")");
    }

    /** Our strict scalars say what is wrong themselves; other coercings' messages name AST or Java types, so a sentence of ours. */
    private static String sentence(GraphQLScalarType scalar, RuntimeException refusal) {
        if (refusal instanceof GraphQLError error && error.getExtensions() != null
                && InputErrors.BAD_USER_INPUT.equals(error.getExtensions().get("code"))) {
            return refusal.getMessage();
        }
        return STANDARD.getOrDefault(scalar.getName(), "expected a value of type " + scalar.getName());
    }

    private interface Check<T> {
        Refusal apply(T item, int index);
    }

    private static <T> Refusal first(List<T> items, Check<T> check) {
        for (int i = 0; i < items.size(); i++) {
            Refusal refusal = check.apply(items.get(i), i);
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }
}
