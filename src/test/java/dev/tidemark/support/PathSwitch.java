package dev.tidemark.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A read path switched in-process (one-pass rows, column reads): sends a document with the path off,
 * then on, and checks the two response bodies are the same bytes and whether the path was taken.
 *
 * @param name what the path is called in failure messages
 * @param enable turns the path on or off
 * @param taken how many times the path was taken since the process started
 */
public record PathSwitch(String name, Consumer<Boolean> enable, LongSupplier taken) {

    /** The body answered with the path {@code on} or off. */
    public String body(String token, String document, Map<String, Object> variables, boolean on) {
        enable.accept(on);
        return GraphQL.raw(token, document, variables);
    }

    /** Off then on: the same body, no errors, and the path taken with it on exactly when {@code expectTaken}. */
    public void assertSame(String token, String document, Map<String, Object> variables, boolean expectTaken) {
        long before = taken.getAsLong();
        String off = body(token, document, variables, false);
        assertEquals(before, taken.getAsLong(), name + " taken while off");
        String on = body(token, document, variables, true);
        assertEquals(off, on, document);
        assertEquals(expectTaken, taken.getAsLong() > before, name + " taken for " + document);
        assertFalse(on.contains("\"errors\""), on);
    }
}
