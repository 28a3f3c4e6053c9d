package dev.tidemark.sync.where;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.demo.model.User;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * And/or lists far wider than {@code tidemark.where.max-conditions} allows, as an operator who
 * raises it would get them: rendered to JPQL in bounded-depth groups, they are parsed by Hibernate
 * and answered by PostgreSQL (a flat {@code a and b and ...} of 5,000 overflowed Hibernate's stack),
 * and matched in memory by {@link RowMatcher} with the same answer.
 */
@QuarkusTest
class WideConditionTest {

    @Inject
    Db db;

    @Inject
    SyncRegistry registry;

    @Inject
    EntityManager em;

    SyncTable users;

    @BeforeEach
    void seed() {
        db.clear();
        Demo.user("Ann", null);
        Demo.user("Bob", null);
        users = registry.table(User.class);
    }

    List<Condition> compares(int count, Op op, Function<Integer, String> value) {
        List<Condition> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(new Condition.Compare(users.column("name"), op, value.apply(i)));
        }
        return parts;
    }

    List<String> select(Condition condition) {
        JpqlScope scope = JpqlRenderer.render(condition);
        return QuarkusTransaction.requiringNew().call(() -> scope.select(em, User.class, users.entityName(), List.of(), "e.name")
                .getResultList().stream().map(u -> u.name).toList());
    }

    List<String> match(Condition condition) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("select u from AppUser u order by u.name", User.class)
                .getResultList().stream().filter(u -> RowMatcher.matches(condition, RowImage.of(users, u), null))
                .map(u -> u.name).toList());
    }

    @Test
    void shouldAnswerA5000WideOrAndAndFromSqlAndInMemory() {
        List<Condition> anyName = compares(5000, Op.EQ, i -> "x" + i);
        anyName.add(new Condition.Compare(users.column("name"), Op.EQ, "Bob"));
        Condition or = new Condition.AnyOf(anyName);
        assertEquals(List.of("Bob"), select(or));
        assertEquals(List.of("Bob"), match(or));

        Condition and = new Condition.All(compares(5000, Op.NE, i -> "x" + i));
        assertEquals(List.of("Ann", "Bob"), select(and));
        assertEquals(List.of("Ann", "Bob"), match(and));

        // nested: (5,000-wide or) and not (5,000-wide and)
        Condition nested = new Condition.All(List.of(or, new Condition.Not(new Condition.All(compares(5000, Op.EQ, i -> "Bob")))));
        assertEquals(List.of(), select(nested));
        assertEquals(List.of(), match(nested));
    }

    @Test
    void shouldGroupWideListsWithoutChangingWhatTheyMean() {
        // 17 parts, the last one an "or": groups of 2 (and one alone) must keep its parentheses.
        List<Condition> parts = compares(16, Op.NE, i -> "x" + i);
        parts.add(new Condition.AnyOf(List.of(new Condition.Compare(users.column("name"), Op.EQ, "Ann"),
                new Condition.Compare(users.column("name"), Op.EQ, "Cy"))));
        Condition and = new Condition.All(parts);
        String predicate = JpqlRenderer.render(and).predicate();
        assertTrue(predicate.endsWith("and (e.name = :p16 or e.name = :p17)"), predicate);
        assertEquals(List.of("Ann"), select(and));
        assertEquals(List.of("Ann"), match(and));
    }
}
