package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManagerFactory;

import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Relation fields are batched: the number of SQL statements does not grow with the number of rows. */
@QuarkusTest
@TestProfile(BatchLoadingTest.WithStatistics.class)
class BatchLoadingTest {

    public static class WithStatistics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the change-log tailer's own statements would be counted too
            return Map.of("quarkus.hibernate-orm.statistics", "true", "tidemark.realtime.enabled", "false");
        }
    }

    static final String EVERYTHING = """
            {
              users {
                memberships { group { name } user { name } }
                groups { name members { name } }
                documents { title events { kind document { title } } }
              }
            }""";

    @Inject
    Db db;

    @Inject
    EntityManagerFactory entityManagerFactory;

    @Test
    void shouldNotQueryOncePerRow() {
        db.clear();
        seed(3);
        long small = statementsFor(EVERYTHING);
        seed(30);
        long large = statementsFor(EVERYTHING);
        assertEquals(small, large, "statements for 3 users vs 33 users");
        assertEquals(11, large, "one query per relation field level");
    }

    private long statementsFor(String query) {
        Statistics statistics = entityManagerFactory.unwrap(SessionFactory.class).getStatistics();
        statistics.clear();
        ok(query);
        return statistics.getPrepareStatementCount();
    }

    private static void seed(int users) {
        String group = Demo.group("G" + users);
        for (int i = 0; i < users; i++) {
            String user = Demo.user("U" + i, null);
            Demo.membership(user, group);
            Demo.event(Demo.document(user, "D" + i), "created", null);
        }
    }
}
