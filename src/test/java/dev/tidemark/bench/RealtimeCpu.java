package dev.tidemark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU spent while a realtime benchmark writes: the server's change tailer thread, its delivery
 * thread (rendering and framing), the whole JVM (server, clients and writer together), and the
 * PostgreSQL backends that lived through the window (the pool's and the tailer's connections; the
 * writer's own backend is left out, it is the write's cost, not realtime's).
 */
final class RealtimeCpu {

    private static final String[] THREADS = { "tidemark-change-tailer", "tidemark-realtime-delivery" };
    private static final long TICK_NANOS = 10_000_000; // Linux USER_HZ = 100

    private final String jdbcUrl;
    private final long[] threads = new long[THREADS.length];
    private final long process;
    private final Map<Integer, Long> backends;

    private RealtimeCpu(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        for (int i = 0; i < THREADS.length; i++) {
            threads[i] = threadCpu(THREADS[i]);
        }
        process = processCpu();
        backends = backendCpu(jdbcUrl);
    }

    static RealtimeCpu start(String jdbcUrl) {
        return new RealtimeCpu(jdbcUrl);
    }

    /** One line: microseconds of CPU per write for each part, since {@link #start}. */
    String perWrite(int writes) {
        StringBuilder line = new StringBuilder("  CPU per write (us):");
        for (int i = 0; i < THREADS.length; i++) {
            line.append(String.format(" %s=%.0f", THREADS[i].replace("tidemark-", ""), (threadCpu(THREADS[i]) - threads[i]) / 1e3 / writes));
        }
        long postgres = 0;
        for (Map.Entry<Integer, Long> after : backendCpu(jdbcUrl).entrySet()) {
            Long before = backends.get(after.getKey());
            if (before != null) {
                postgres += after.getValue() - before;
            }
        }
        return line.append(String.format(" jvm-total=%.0f postgres-backends=%.0f", (processCpu() - process) / 1e3 / writes,
                postgres / 1e3 / writes)).toString();
    }

    private static long threadCpu(String name) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals(name)) {
                return Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return 0;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of every backend of the database, by pid (nanoseconds). */
    private static Map<Integer, Long> backendCpu(String jdbcUrl) {
        Map<Integer, Long> cpu = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement statement = connection.createStatement();
                ResultSet pids = statement.executeQuery("select pid from pg_stat_activity where pid <> pg_backend_pid()")) {
            while (pids.next()) {
                try {
                    String[] stat = Files.readString(Path.of("/proc", pids.getString(1), "stat")).replaceFirst("^.*\\) ", "").split(" ");
                    cpu.put(pids.getInt(1), (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * TICK_NANOS);
                } catch (IOException | RuntimeException e) {
                    // the backend ended meanwhile
                }
            }
        } catch (SQLException e) {
            // no PostgreSQL to ask: the column reads 0
        }
        return cpu;
    }
}
