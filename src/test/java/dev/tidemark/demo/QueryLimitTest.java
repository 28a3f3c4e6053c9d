package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** tidemark.query.max-rows: a list query over the limit fails instead of returning a silent prefix. */
@QuarkusTest
@TestProfile(QueryLimitTest.ThreeRows.class)
class QueryLimitTest {

    public static class ThreeRows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.query.max-rows", "3");
        }
    }

    @Inject
    Db db;

    @Test
    void shouldRefuseAListOverMaxRows() {
        db.clear();
        for (String name : new String[] { "A", "B", "C" }) {
            Demo.user(name, null);
        }
        assertEquals(3, ok("{ users { name } }").getList("data.users").size(), "exactly the limit is fine");
        Demo.user("D", null);
        JsonPath error = error("{ users { name } }");
        assertEquals("LIMIT_EXCEEDED", error.getString("extensions.code"));
        assertTrue(error.getString("message").contains("tidemark.query.max-rows"));
        assertEquals(1, ok("{ users(where: {name: {eq: \"D\"}}) { name } }").getList("data.users").size());
    }
}
