package dev.tidemark.sync.query;

import java.math.BigDecimal;
import java.math.BigInteger;

import jakarta.json.JsonNumber;

/**
 * JSON text written already ({@link AnswerJson}), carried through SmallRye's JSON-P answer as its
 * {@code data} value. SmallRye's {@code ExecutionResponse} passes a JSON-P value through as it is,
 * and Parsson's generator prints a number value with its {@code toString()}, verbatim: so the
 * answer's envelope (errors, extensions, their order) stays SmallRye's and the data is not built
 * as a tree. It is a number only to Parsson's generator: reading it as a number fails.
 */
final class WrittenJson implements JsonNumber {

    private final String json;

    WrittenJson(String json) {
        this.json = json;
    }

    @Override
    public String toString() {
        return json;
    }

    @Override
    public ValueType getValueType() {
        return ValueType.NUMBER;
    }

    private static IllegalStateException notANumber() {
        return new IllegalStateException("the data of an answer written as JSON text is not a number; print it with toString()");
    }

    @Override
    public boolean isIntegral() {
        throw notANumber();
    }

    @Override
    public int intValue() {
        throw notANumber();
    }

    @Override
    public int intValueExact() {
        throw notANumber();
    }

    @Override
    public long longValue() {
        throw notANumber();
    }

    @Override
    public long longValueExact() {
        throw notANumber();
    }

    @Override
    public BigInteger bigIntegerValue() {
        throw notANumber();
    }

    @Override
    public BigInteger bigIntegerValueExact() {
        throw notANumber();
    }

    @Override
    public double doubleValue() {
        throw notANumber();
    }

    @Override
    public BigDecimal bigDecimalValue() {
        throw notANumber();
    }
}
