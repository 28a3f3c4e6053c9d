package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQLWs;

/**
 * Scale-out (issue 18, point 7): what each packaged instance costs the database, with 1, 2 and 4
 * instances on one PostgreSQL cluster of its own ({@code pg_stat_statements} preloaded), each with
 * {@code scale.subscriptions} live subscriptions, first idle, then under {@code scale.writes} writes
 * a second (one JDBC transaction each, outside the instances). For each phase it prints the
 * statements the instances ran per second (the writer's own excluded), the rows those returned,
 * the buffers they touched, and PostgreSQL's CPU (all its processes, the writer's backend
 * included). {@code ./mvnw verify} runs it with 1 and 2 instances for a few seconds; the full size
 * is the command in docs/scaling.md.
 */
@Tag("benchmark")
class ScaleOutBenchmarkIT {

    static final boolean SMOKE = Boolean.parseBoolean(System.getProperty("bench.smoke", "true"));
    static final int[] INSTANCES = java.util.Arrays.stream(System.getProperty("scale.instances", SMOKE ? "1,2" : "1,2,4").split(","))
            .mapToInt(Integer::parseInt).toArray();
    static final int SECONDS = Integer.getInteger("scale.seconds", SMOKE ? 3 : 30);
    static final int WRITES = Integer.getInteger("scale.writes", SMOKE ? 20 : 100);
    static final int SUBSCRIPTIONS = Integer.getInteger("scale.subscriptions", SMOKE ? 2 : 20);
    static final String POLL = System.getProperty("scale.poll", "1s");
    static final String WRITER = "/* scale-out writer */";
    static final String USERS = "subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid version row { name } } }";

    @Test
    void shouldMeasureTheDatabaseCostOfEachInstance() throws Exception {
        System.out.printf("%nScaleOutBenchmarkIT: instances %s, %d s per phase, %d writes/s, %d subscriptions per instance, poll interval %s%s%n",
                java.util.Arrays.toString(INSTANCES), SECONDS, WRITES, SUBSCRIPTIONS, POLL,
                SMOKE ? " - smoke run at a tiny size (bench.smoke=true): its numbers measure nothing. Full size: -Pbenchmark (docs/scaling.md)" : "");
        System.out.println("load average at start: " + StormBenchmarkIT.loadAverage());
        List<String> rows = new ArrayList<>();
        try (PostgresCluster postgres = PostgresCluster.create("scaleout")) {
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres"); Statement s = db.createStatement()) {
                s.execute("alter system set shared_preload_libraries = 'pg_stat_statements'");
            }
            postgres.stop();
            postgres.start();
            for (int count : INSTANCES) {
                List<AppInstance> instances = new ArrayList<>();
                List<GraphQLWs> sockets = new ArrayList<>();
                try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres")) {
                    for (int i = 0; i < count; i++) {
                        // production's poll interval (the ITs' instances poll every 200 ms)
                        instances.add(new AppInstance("scaleout-" + count + "-" + i, postgres.jdbcUrl()).heap("384m")
                                .env("TIDEMARK_REALTIME_POLL_INTERVAL", POLL).start());
                    }
                    try (Statement s = db.createStatement()) {
                        s.execute("create extension if not exists pg_stat_statements");
                    }
                    for (AppInstance instance : instances) {
                        GraphQLWs ws = GraphQLWs.connect(instance.graphql());
                        sockets.add(ws);
                        for (int i = 0; i < SUBSCRIPTIONS; i++) {
                            ws.subscribeReady(USERS, "p", "scale-" + (i % 10) + "-");
                        }
                    }
                    AppInstance.sleep(2000); // settled
                    rows.add(phase(db, postgres, count, 0));
                    rows.add(phase(db, postgres, count, WRITES));
                } finally {
                    sockets.forEach(GraphQLWs::close);
                    instances.forEach(AppInstance::close);
                }
            }
        }
        System.out.println();
        System.out.println("| instances | writes/s | statements/s by the instances | per instance | rows returned/s per instance "
                + "| buffers touched/s per instance | PostgreSQL CPU (cores) | top statements (calls/s, all instances) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        rows.forEach(System.out::println);
        System.out.println("load average at end: " + StormBenchmarkIT.loadAverage());
        assertTrue(rows.size() == 2 * INSTANCES.length, "every phase measured");
    }

    /** One phase of {@link #SECONDS}: the statements' deltas (pg_stat_statements reset before) and PostgreSQL's CPU. */
    static String phase(Connection db, PostgresCluster postgres, int instances, int writesPerSecond) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("select pg_stat_statements_reset()");
        }
        double cpu = ServerGauges.postgresCpuSeconds(postgres.postmasterPid());
        long start = System.nanoTime();
        AtomicLong written = new AtomicLong();
        if (writesPerSecond > 0) {
            write(postgres, writesPerSecond, written);
        } else {
            AppInstance.sleep(SECONDS * 1000L);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuUsed = ServerGauges.postgresCpuSeconds(postgres.postmasterPid()) - cpu;
        long calls = 0;
        long rows = 0;
        long buffers = 0;
        StringBuilder top = new StringBuilder();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("select calls, rows, shared_blks_hit + shared_blks_read, "
                + "regexp_replace(left(query, 70), '\\s+', ' ', 'g') from pg_stat_statements where query not like '%" + WRITER + "%' "
                // The change log's end-of-transaction notification runs in the writer's commit (a deferred
                // trigger, so with no statement above it: counted as a statement of its own); instances never notify.
                + "and query not like '%pg_notify(%' "
                + "and query not like '%pg_stat_statements%' and query not like '%pg_stat_activity%' order by calls desc")) {
            int listed = 0;
            while (rs.next()) {
                calls += rs.getLong(1);
                rows += rs.getLong(2);
                buffers += rs.getLong(3);
                if (listed++ < 3) {
                    top.append(listed > 1 ? "; " : "").append(String.format("%.1f `%s`", rs.getLong(1) / wall, rs.getString(4).replace("|", "/")));
                }
            }
        }
        return String.format("| %d | %.0f | %.1f | %.1f | %.1f | %.0f | %.2f | %s |", instances, written.get() / wall, calls / wall,
                calls / wall / instances, rows / wall / instances, buffers / wall / instances, cpuUsed / wall, top);
    }

    /** {@code perSecond} writes (an insert or an update of a user, one transaction each) for {@link #SECONDS}, paced. */
    static void write(PostgresCluster postgres, int perSecond, AtomicLong written) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                PreparedStatement insert = c.prepareStatement(WRITER + " insert into app_user (uid, created_at, updated_at, name, email) "
                        + "values (gen_random_uuid(), now(), now(), ?, 'scale') returning uid")) {
            long interval = 1_000_000_000L / perSecond;
            long start = System.nanoTime();
            AtomicBoolean late = new AtomicBoolean();
            for (long i = 0; System.nanoTime() - start < SECONDS * 1_000_000_000L; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    AppInstance.sleep(wait / 1_000_000);
                } else {
                    late.set(true);
                }
                insert.setString(1, "scale-" + (i % 10) + "-" + i);
                insert.executeQuery().close();
                written.incrementAndGet();
            }
        }
    }
}
