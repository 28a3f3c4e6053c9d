package dev.tidemark.sync.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/** The checks of the strict input scalars, and that every scalar a client can send is checked or strict already. */
@QuarkusTest
class StrictScalarsTest {

    static String whole(Object value) {
        return StrictScalars.wholeNumberProblem(value, "BigInteger", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void shouldTakeWholeNumbersInRangeOnly() {
        for (Object fine : List.of(0, -12L, Long.MAX_VALUE, BigInteger.valueOf(Long.MIN_VALUE), 1.0, new BigDecimal("2E3"), "42", "-7")) {
            assertNull(whole(fine), () -> fine + " is a whole number in range");
        }
        assertEquals("1.5 is not a whole number (BigInteger)", whole(1.5));
        assertTrue(whole(BigInteger.ONE.shiftLeft(63)).startsWith("9223372036854775808 is out of range for BigInteger"));
        assertTrue(whole("9".repeat(5000)).length() < 200, "a long value is abbreviated, not echoed");
        assertTrue(whole(new BigDecimal("1e999999999")).startsWith("1E+999999999 is out of range"), "never expanded to its digits");
        assertEquals("expected a whole number (BigInteger), not 'abc'", whole("abc"));
        assertEquals("expected a whole number (BigInteger)", whole(true));
        assertEquals("expected a whole number (BigInteger)", whole(Double.NaN));
        assertTrue(StrictScalars.wholeNumberProblem(1L << 31, "Int", Integer.MIN_VALUE, Integer.MAX_VALUE).contains("out of range for Int"));
    }

    @Test
    void shouldTakeIsoDateTimesWithAnOffsetOnly() {
        for (String fine : List.of("2026-11-30T12:00:00Z", "2026-11-30T13:00:00.123456+01:00", "2026-11-30T12:00Z")) {
            assertNull(StrictScalars.dateTimeProblem(fine), fine);
        }
        for (String bad : List.of("yesterday", "2026-11-30", "2026-11-30T12:00:00", "1970")) {
            assertTrue(StrictScalars.dateTimeProblem(bad).startsWith("'" + bad + "' is not a DateTime"), bad);
        }
        assertTrue(StrictScalars.dateTimeProblem(5).startsWith("expected a DateTime"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCheckEveryScalarClientsCanSend() {
        List<Map<String, Object>> types = GraphQL.ok("""
                { __schema { types { kind inputFields { type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } } }""")
                .getList("data.__schema.types.findAll { it.kind == 'INPUT_OBJECT' }");
        Set<String> scalars = new TreeSet<>();
        for (Map<String, Object> type : types) {
            for (Map<String, Object> field : (List<Map<String, Object>>) type.get("inputFields")) {
                Map<String, Object> named = (Map<String, Object>) field.get("type");
                while (named.get("ofType") != null) {
                    named = (Map<String, Object>) named.get("ofType");
                }
                if ("SCALAR".equals(named.get("kind"))) {
                    scalars.add((String) named.get("name"));
                }
            }
        }
        assertEquals(Set.of("BigInteger", "Boolean", "DateTime", "Int", "String"), scalars, "update this test and StrictScalars together");
        for (String name : scalars) {
            assertTrue(StrictScalars.isChecked(name) || Set.of("String", "Boolean", "ID").contains(name),
                    name + " is lenient in SmallRye: give it a check in StrictScalars");
        }
    }
}
