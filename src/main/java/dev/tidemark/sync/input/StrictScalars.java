package dev.tidemark.sync.input;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;

import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLSchemaElement;
import graphql.schema.GraphQLTypeVisitorStub;
import graphql.schema.SchemaTransformer;
import graphql.util.TraversalControl;
import graphql.util.TraverserContext;
import graphql.util.TreeTransformerUtil;

/**
 * Gives SmallRye's lenient input scalars a strict check of client values ({@link StrictCoercing}):
 * {@code DateTime} takes an ISO-8601 date-time with an offset (what the engine's
 * {@code OffsetDateTime} fields hold), {@code BigInteger} (Java {@code long}, the versions) and
 * {@code Int} a whole number in their Java type's range, as a JSON number, an integer literal or a
 * string of digits (which SmallRye accepted before, and still converts). Names, descriptions and
 * output are unchanged, so the schema clients see is the same.
 */
final class StrictScalars {

    private static final Map<String, Function<Object, String>> CHECKS = Map.of(
            "DateTime", StrictScalars::dateTimeProblem,
            "BigInteger", value -> wholeNumberProblem(value, "BigInteger", Long.MIN_VALUE, Long.MAX_VALUE),
            "Int", value -> wholeNumberProblem(value, "Int", Integer.MIN_VALUE, Integer.MAX_VALUE));

    private StrictScalars() {
    }

    /** The schema with the checked scalars' coercings replaced wherever they are used. */
    static GraphQLSchema apply(GraphQLSchema schema) {
        return SchemaTransformer.transformSchema(schema, new GraphQLTypeVisitorStub() {
            @Override
            public TraversalControl visitGraphQLScalarType(GraphQLScalarType scalar, TraverserContext<GraphQLSchemaElement> context) {
                Function<Object, String> check = CHECKS.get(scalar.getName());
                if (check == null || scalar.getCoercing() instanceof StrictCoercing) {
                    return TraversalControl.CONTINUE;
                }
                return TreeTransformerUtil.changeNode(context,
                        scalar.transform(builder -> builder.coercing(new StrictCoercing(scalar.getCoercing(), check))));
            }
        });
    }

    /** Whether the scalar of this name has a strict check (for tests that every input scalar is covered). */
    static boolean isChecked(String name) {
        return CHECKS.containsKey(name);
    }

    static String dateTimeProblem(Object value) {
        if (value instanceof OffsetDateTime) {
            return null;
        }
        String example = "an ISO-8601 date-time with an offset, e.g. 2026-11-30T12:00:00Z or 2026-11-30T13:00:00.000+01:00";
        if (!(value instanceof String text)) {
            return "expected a DateTime: " + example;
        }
        try {
            OffsetDateTime.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return quote(text) + " is not a DateTime: expected " + example;
        }
    }

    static String wholeNumberProblem(Object value, String type, long min, long max) {
        BigDecimal number;
        if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            number = n instanceof BigDecimal decimal ? decimal : n instanceof BigInteger big ? new BigDecimal(big) : new BigDecimal(n.toString());
        } else if (value instanceof String text && text.matches("-?[0-9]+")) {
            number = text.length() > 40 ? BigDecimal.TEN.pow(40) : new BigDecimal(text); // out of range either way
        } else {
            return "expected a whole number (" + type + ")" + (value instanceof String text ? ", not " + quote(text) : "");
        }
        if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
            return abbreviate(number.toString()) + " is not a whole number (" + type + ")";
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            String shown = value instanceof String text ? text : number.toString(); // never toPlainString: 1e999999999
            return abbreviate(shown) + " is out of range for " + type + " (" + min + " to " + max + ")";
        }
        return null;
    }

    static String quote(String text) {
        return "'" + abbreviate(text) + "'";
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
