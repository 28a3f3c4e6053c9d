package dev.tidemark.sync.input;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;

/**
 * A scalar's coercing with a check of client input in front of it: what the check refuses is
 * refused by graphql-java itself (as an invalid argument or variable, before anything runs), with
 * the check's sentence; what it accepts goes on to the original coercing unchanged, and output is
 * the original's.
 *
 * <p>SmallRye's number and date scalars accept any string or number at this stage and convert it
 * only when the resolver's argument is built (with JSON-B), so a bad value used to surface as an
 * error echoing the whole argument and naming a Java class, or not at all ({@code 1.5} and
 * {@code 2^70} became some {@code long}).
 */
final class StrictCoercing implements Coercing<Object, Object> {

    /** The refusals carry their code, so even an error not rewritten by {@link InputErrors} has one. */
    static final Map<String, Object> EXTENSIONS = Map.of("code", InputErrors.BAD_USER_INPUT);

    private final Coercing<Object, Object> original;
    private final Function<Object, String> problem;

    /**
     * @param problem given a client value (a JSON value from variables, or a literal as a String,
     *     BigInteger, BigDecimal or Boolean; other literals as themselves), the sentence saying what
     *     is wrong with it, or null when it is fine
     */
    @SuppressWarnings("unchecked")
    StrictCoercing(Coercing<?, ?> original, Function<Object, String> problem) {
        this.original = (Coercing<Object, Object>) original;
        this.problem = problem;
    }

    @Override
    public Object serialize(Object result, GraphQLContext context, Locale locale) {
        return original.serialize(result, context, locale);
    }

    @Override
    public Object parseValue(Object input, GraphQLContext context, Locale locale) {
        String refusal = problem.apply(input);
        if (refusal != null) {
            throw CoercingParseValueException.newCoercingParseValueException().message(refusal).extensions(EXTENSIONS).build();
        }
        return original.parseValue(input, context, locale);
    }

    @Override
    public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
        String refusal = problem.apply(literal(input));
        if (refusal != null) {
            throw CoercingParseLiteralException.newCoercingParseLiteralException().message(refusal).extensions(EXTENSIONS).build();
        }
        return original.parseLiteral(input, variables, context, locale);
    }

    @Override
    public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
        return original.valueToLiteral(input, context, locale);
    }

    /** A literal as the Java value the same JSON would give. */
    static Object literal(Value<?> value) {
        if (value instanceof StringValue string) {
            return string.getValue();
        }
        if (value instanceof IntValue integer) {
            return integer.getValue();
        }
        if (value instanceof FloatValue decimal) {
            return decimal.getValue();
        }
        if (value instanceof BooleanValue bool) {
            return bool.isValue();
        }
        return value;
    }
}
