package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Hostile;
import graphql.language.Document;
import graphql.language.FragmentDefinition;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;

/** The expanded size and fragment depth of documents, counted without expanding them. */
class ExpandedSizeTest {

    static String bomb(int levels) {
        return Hostile.fragmentBomb("{ users { %s } }", levels, 2);
    }

    static ExpandedSize size(String text) {
        Document document = Parser.parse(text);
        return ExpandedSize.of(document.getFirstDefinitionOfType(OperationDefinition.class).orElseThrow().getSelectionSet(),
                fragments(document));
    }

    static Map<String, FragmentDefinition> fragments(Document document) {
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
        return fragments;
    }

    @Test
    void shouldCountEveryFieldOnceForEachTimeItsFragmentIsSpread() {
        assertEquals(new ExpandedSize(3, 0), size("{ users { uid name } }"));
        assertEquals(new ExpandedSize((1L << 31) + 1, 0), size(bomb(30)), "the issue's bomb: 2^31 fields under users");
        assertEquals(new ExpandedSize(9, 5), size("""
                { a: users { ...N } groups { members { ...N } } }
                fragment N on User { id: uid n: name ... on User { name } }"""));
    }

    @Test
    void shouldSaturateInsteadOfOverflowing() {
        assertEquals(new ExpandedSize(Long.MAX_VALUE, 0), size(bomb(70)));
    }

    @Test
    void shouldEndTheWalkOnACycleThatValidationRefusesLater() {
        assertEquals(new ExpandedSize(3, 0), size("{ users { ...A } } fragment A on User { uid ...B } fragment B on User { name ...A }"));
    }

    @Test
    void shouldMeasureHowDeepFragmentsSpreadFragments() {
        Document document = Parser.parse(bomb(30) + " fragment G on User { groups { members { ...F2 } } }");
        Map<String, Integer> memo = new HashMap<>();
        assertEquals(31, FragmentDepthLimit.depth("F30", fragments(document), memo));
        assertEquals(4, FragmentDepthLimit.depth("G", fragments(document), memo), "a spread under a field counts too");
        Document cycle = Parser.parse("{ users { ...A } } fragment A on User { ...B } fragment B on User { ...A }");
        assertEquals(3, FragmentDepthLimit.depth("A", fragments(cycle), new HashMap<>()), "ends (validation refuses the cycle)");
    }
}
