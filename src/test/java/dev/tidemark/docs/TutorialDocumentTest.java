package dev.tidemark.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The guards of TutorialTest: what makes a tutorial block count as run, and what a shown answer must match. */
class TutorialDocumentTest {

    @Test
    void shouldRefuseAFencedBlockWithoutANameSoNoSnippetEscapesTheTests() {
        AssertionError error = assertThrows(AssertionError.class, () -> TutorialDocument.of(List.of(
                "<!-- tutorial:named -->", "```graphql", "{ users { uid } }", "```", "", "```ts", "const x = 1;", "```")));
        assertTrue(error.getMessage().contains("line 6"), error.getMessage());
    }

    @Test
    void shouldRefuseANameThatIsNotRightBeforeItsBlock() {
        assertThrows(AssertionError.class, () -> TutorialDocument.of(List.of(
                "<!-- tutorial:named -->", "Some prose.", "```graphql", "{ users { uid } }", "```")));
    }

    @Test
    void shouldListTheBlocksNoTestRead() {
        TutorialDocument document = TutorialDocument.of(List.of(
                "<!-- tutorial:query -->", "```graphql", "{ users { uid } }", "```",
                "<!-- tutorial:query response -->", "```json", "{}", "```"));
        assertEquals("{ users { uid } }", document.block("query").text());
        assertEquals(Set.of("query.response"), document.unused());
    }

    @Test
    void shouldCompareAnswersModuloInstantsAndCursorsButNotVersions() {
        String shown = """
                {"cursor": "754@2026-11-29T04:08:49.674025Z", "deletedAt": "2026-11-29T04:00:00Z", "version": 10,
                 "message": "changed on the server at 2026-11-29T04:12:01.133592Z (version 17)"}""";
        String sameButLater = """
                {"cursor": "9001@2027-01-02T10:00:00.1Z", "deletedAt": "2027-01-02T10:00:00.123+01:00", "version": 10,
                 "message": "changed on the server at 2027-01-02T10:00:00Z (version 17)"}""";
        assertEquals(stable(shown), stable(sameButLater));
        assertNotEquals(stable(shown), stable(sameButLater.replace("\"version\": 10", "\"version\": 11")));
        assertNotEquals(stable(shown), stable(sameButLater.replace("(version 17)", "(version 18)")));
        assertNotEquals(stable(shown), stable(sameButLater.replace("\"deletedAt\": \"2027-01-02T10:00:00.123+01:00\"", "\"deletedAt\": null")));
    }

    private static String stable(String json) {
        return TutorialDocument.pretty(TutorialDocument.stable(TutorialDocument.parseJson(json)));
    }
}
