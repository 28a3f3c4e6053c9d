package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.api.Test;

import dev.tidemark.demo.model.User;
import dev.tidemark.demo.model.UserApi.UserWhere;
import dev.tidemark.demo.model.UserGroupApi.UserGroupListWhere;
import dev.tidemark.demo.model.UserGroupApi.UserGroupWhere;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.policy.RowPolicies;
import dev.tidemark.sync.query.SyncQueryService;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.RowImage;
import dev.tidemark.sync.where.RowMatcher;
import dev.tidemark.sync.where.StringFilter;
import dev.tidemark.sync.where.UuidFilter;
import dev.tidemark.sync.where.WhereParser;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Realtime matches scopes in memory ({@link RowMatcher}); queries and sync match them in SQL. For
 * random wheres (fixed, printed seed) both must select the same rows, null values, tombstoned
 * children, and/or/not and to-many relations included, and every other where read as a user whose
 * row policy (relations, {@code Visible}) is ANDed in.
 */
@QuarkusTest
class RowMatcherConsistencyTest {

    static final List<String> NAMES = List.of("Ann", "Anna", "Bob", "bob", "Cé", "A_%", "");
    static final List<String> EMAILS = List.of("a@x", "b@y", "ann@x");

    @Inject
    Db db;

    @Inject
    SyncQueryService queries;

    @Inject
    Caller caller;

    @Inject
    RowPolicies policies;

    @Inject
    WhereParser parser;

    @Inject
    SyncRegistry registry;

    @Inject
    EntityManager em;

    @Inject
    SessionFactory sessions;

    @Test
    @ActivateRequestContext
    void shouldSelectTheSameRowsInMemoryAsInSql() {
        long seed = Long.getLong("test.seed", 4242L);
        System.out.println("RowMatcherConsistencyTest seed=" + seed + " (rerun with -Dtest.seed=" + seed + ")");
        Random random = new Random(seed);
        db.clear();
        List<String> groups = List.of(Demo.group("G1"), Demo.group("G2"), Demo.group("G3"));
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = Demo.user(pick(random, NAMES), random.nextInt(3) == 0 ? null : pick(random, EMAILS));
            users.add(user);
            for (String group : groups) {
                if (random.nextInt(3) == 0) {
                    String membership = Demo.membership(user, group);
                    if (random.nextInt(3) == 0) {
                        Demo.delete("UserGroup", membership);
                    }
                }
            }
        }
        for (int i = 0; i < 300; i++) {
            UserWhere where = userWhere(random, groups, 0);
            SyncTable table = registry.table(User.class);
            Set<String> sql = new TreeSet<>();
            Set<String> memory = new TreeSet<>();
            // Every other where is read as one of the users: their row policy (relations, Visible) must match too.
            Identity who = i % 2 == 0 ? Identity.ANONYMOUS_FULL_ACCESS
                    : new Identity(UUID.fromString(users.get(random.nextInt(users.size()))), false, null);
            caller.actAs(who);
            QuarkusTransaction.requiringNew().run(() -> {
                queries.list(User.class, where, true).forEach(u -> sql.add(u.uid.toString()));
                try (StatelessSession session = sessions.openStatelessSession()) { // on the transaction's connection
                    BatchLookup lookup = new BatchLookup(session);
                    var condition = policies.restrict(table, parser.parse(table, where, "where"), who);
                    for (User user : em.createQuery("select u from AppUser u", User.class).getResultList()) {
                        if (RowMatcher.matches(condition, RowImage.of(table, user), lookup)) {
                            memory.add(user.uid.toString());
                        }
                    }
                }
            });
            assertEquals(sql, memory, "where #" + i);
        }
    }

    private static UserWhere userWhere(Random random, List<String> groups, int depth) {
        UserWhere where = new UserWhere();
        switch (random.nextInt(depth > 1 ? 3 : 6)) {
            case 0 -> where.name = filter(random, NAMES);
            case 1 -> where.email = filter(random, EMAILS);
            case 2 -> {
                where.name = filter(random, NAMES);
                where.email = filter(random, EMAILS);
            }
            case 3 -> where.or = List.of(userWhere(random, groups, depth + 1), userWhere(random, groups, depth + 1));
            case 4 -> where.not = userWhere(random, groups, depth + 1);
            default -> {
                UserGroupListWhere memberships = new UserGroupListWhere();
                UserGroupWhere membership = new UserGroupWhere();
                membership.groupUid = new UuidFilter();
                membership.groupUid.eq = pick(random, groups);
                if (random.nextBoolean()) {
                    memberships.some = membership;
                } else {
                    memberships.none = membership;
                }
                where.memberships = memberships;
            }
        }
        return where;
    }

    private static StringFilter filter(Random random, List<String> values) {
        StringFilter filter = new StringFilter();
        switch (random.nextInt(8)) {
            case 0 -> filter.eq = pick(random, values);
            case 1 -> filter.ne = pick(random, values);
            case 2 -> filter.in = List.of(pick(random, values), pick(random, values));
            case 3 -> filter.notIn = List.of(pick(random, values));
            case 4 -> filter.isNull = random.nextBoolean();
            case 5 -> {
                String value = pick(random, values);
                filter.contains = value.substring(0, Math.min(2, value.length()));
            }
            case 6 -> filter.startsWith = pick(random, values);
            default -> filter.in = new ArrayList<>();
        }
        return filter;
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
