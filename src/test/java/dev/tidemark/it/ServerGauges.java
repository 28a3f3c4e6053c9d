package dev.tidemark.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a benchmark reads off the processes it starts, from outside as an operator would: CPU time
 * from {@code /proc/<pid>/stat}, the heap of a JVM from {@code jstat -gc} (one jstat process
 * printing every 250 ms, not one JVM started per sample), and the PostgreSQL connections in use
 * from {@code pg_stat_activity}.
 */
final class ServerGauges {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private ServerGauges() {
    }

    /** CPU seconds (user + system) the process has used so far; with {@code children}, also its ended children's. */
    static double cpuSeconds(long pid, boolean children) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (children) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks / TICKS;
        } catch (IOException e) {
            return 0; // the process ended: its time is in its parent's children's time
        }
    }

    /**
     * CPU seconds of a PostgreSQL server: the postmaster, its live backends and background workers,
     * and the backends that have ended (reaped by the postmaster, so counted in its children's time).
     */
    static double postgresCpuSeconds(long postmasterPid) {
        double total = cpuSeconds(postmasterPid, true);
        total += ProcessHandle.of(postmasterPid).map(p -> p.children().mapToDouble(c -> cpuSeconds(c.pid(), false)).sum()).orElse(0.0);
        return total;
    }

    /** Samples a JVM's used heap (young + old) with one {@code jstat -gc <pid> 250} process; {@link #close} stops it. */
    static final class HeapSampler implements AutoCloseable {
        private final Process jstat;
        private final Thread reader;
        private final AtomicLong peakKiB = new AtomicLong();
        private final AtomicLong lastKiB = new AtomicLong();

        HeapSampler(long pid) {
            String tool = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
            try {
                jstat = new ProcessBuilder(tool, "-gc", String.valueOf(pid), "250").redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reader = new Thread(this::read, "jstat-" + pid);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
                String[] header = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] columns = line.trim().split("\\s+");
                    if (columns[0].equals("S0C")) {
                        header = columns;
                        continue;
                    }
                    if (header == null || columns.length != header.length) {
                        continue;
                    }
                    double used = 0;
                    for (int i = 0; i < header.length; i++) {
                        if (header[i].equals("S0U") || header[i].equals("S1U") || header[i].equals("EU") || header[i].equals("OU")) {
                            used += Double.parseDouble(columns[i]);
                        }
                    }
                    lastKiB.set((long) used);
                    peakKiB.accumulateAndGet((long) used, Math::max);
                }
            } catch (IOException | NumberFormatException e) {
                // jstat ended
            }
        }

        /** Forgets the peak so far: the next {@link #peakMiB} is the highest used heap sampled after this. */
        void resetPeak() {
            peakKiB.set(lastKiB.get());
        }

        long peakMiB() {
            return peakKiB.get() >> 10;
        }

        @Override
        public void close() {
            jstat.destroy();
        }
    }

    /** Samples, every 50 ms on a connection of its own, the client connections a PostgreSQL server has and how many are busy. */
    static final class ConnectionSampler implements AutoCloseable {
        private final Connection connection;
        private final Thread thread;
        private final AtomicLong peakOpen = new AtomicLong();
        private final AtomicLong peakActive = new AtomicLong();
        private volatile boolean running = true;

        ConnectionSampler(String jdbcUrl) throws SQLException {
            connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
            thread = new Thread(this::sample, "pg-connections");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            try (Statement s = connection.createStatement()) {
                while (running) {
                    try (ResultSet rs = s.executeQuery("select count(*), count(*) filter (where state = 'active') from pg_stat_activity "
                            + "where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
                        rs.next();
                        peakOpen.accumulateAndGet(rs.getLong(1), Math::max);
                        peakActive.accumulateAndGet(rs.getLong(2), Math::max);
                    }
                    Thread.sleep(50);
                }
            } catch (SQLException | InterruptedException e) {
                // closed
            }
        }

        void reset() {
            peakOpen.set(0);
            peakActive.set(0);
        }

        long peakOpen() {
            return peakOpen.get();
        }

        long peakActive() {
            return peakActive.get();
        }

        @Override
        public void close() throws SQLException {
            running = false;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }
}
