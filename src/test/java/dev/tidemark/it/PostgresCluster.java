package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of its own that a fault test can stop, start and freeze: a cluster made with
 * Debian's {@code pg_createcluster} (package postgresql, which {@code .ci/run} installs; run as
 * root) on a free port, with trust authentication on localhost, dropped on {@link #close}. A
 * machine without the tools fails the test with a message saying so; nothing is skipped.
 */
final class PostgresCluster implements AutoCloseable {

    private final String version;
    private final String name;
    private final int port;

    private PostgresCluster(String version, String name, int port) {
        this.version = version;
        this.name = name;
        this.port = port;
    }

    /**
     * Creates and starts a cluster named {@code prefix-<pid>} on a free port. The port is free when
     * chosen, but another process (a parallel test JVM, a benchmark) may bind it before the cluster
     * starts; then the half-made cluster is dropped and another port is tried.
     */
    static PostgresCluster create(String prefix) {
        return create(prefix, AppInstance::freePort);
    }

    /** As {@link #create(String)}, taking each port to try from {@code ports}. */
    static PostgresCluster create(String prefix, IntSupplier ports) {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/pg_createcluster")),
                "this test needs Debian's PostgreSQL server (apt package postgresql: .ci/run installs it) and runs as root");
        String version = newestVersion();
        String name = prefix + "-" + ProcessHandle.current().pid();
        for (int attempt = 1;; attempt++) {
            PostgresCluster cluster = new PostgresCluster(version, name, ports.getAsInt());
            try {
                cluster.run("pg_createcluster", cluster.version, cluster.name, "--port", String.valueOf(cluster.port), "--start",
                        "--", "--auth-host=trust", "--auth-local=trust");
                return cluster;
            } catch (IllegalStateException e) {
                cluster.dropQuietly();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    int port() {
        return port;
    }

    /** Stops the server (fast shutdown: clients are disconnected at once, as in a crash or a failover). */
    void stop() {
        run("pg_ctlcluster", version, name, "stop", "-m", "fast");
    }

    /**
     * Freezes the server (SIGSTOP to its postmaster and every backend, by process id): connections
     * are still accepted by the kernel but nothing answers, as with a host that died or a network
     * that drops packets. {@link #thaw} resumes them.
     */
    void freeze() {
        signal("-STOP");
    }

    void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid()).orElseThrow();
        command.add(String.valueOf(postmaster.pid()));
        postmaster.descendants().forEach(child -> command.add(String.valueOf(child.pid())));
        run(command.toArray(String[]::new));
    }

    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDirectory().resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server as a crash does ({@code -m immediate}: no shutdown checkpoint, crash recovery at the next start). */
    void crash() {
        run("pg_ctlcluster", version, name, "stop", "-m", "immediate");
    }

    /**
     * Takes a base backup of the running server ({@code pg_basebackup}, with the WAL it needs), as an
     * operator does before a restore. Unlogged tables' rows are not in it, as in every base backup.
     */
    void backup() {
        run("rm", "-rf", backupDirectory().toString());
        run("runuser", "-u", "postgres", "--", "/usr/lib/postgresql/" + version + "/bin/pg_basebackup", "-h", "localhost", "-p",
                String.valueOf(port), "-U", "postgres", "-D", backupDirectory().toString(), "-X", "stream", "-c", "fast");
    }

    /**
     * Restores the last {@link #backup}: the server dies as in a crash, its data directory is replaced
     * by the backup, and it starts (recovering to the end of the backup): every transaction committed
     * after the backup is gone, and its transaction ids are handed out again.
     */
    void restoreBackup() {
        crash();
        Path data = dataDirectory();
        run("rm", "-rf", data.toString());
        run("cp", "-a", backupDirectory().toString(), data.toString());
        start();
    }

    private Path dataDirectory() {
        return Path.of("/var/lib/postgresql", version, name);
    }

    private Path backupDirectory() {
        return Path.of("/var/lib/postgresql", version, name + "-backup");
    }

    /**
     * Inserts a user straight into the database, not through the server: only the change log tells
     * the server about it. Returns its uid.
     */
    String insertUser(String name) throws java.sql.SQLException {
        String uid = java.util.UUID.randomUUID().toString();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbcUrl(), "postgres", "");
                java.sql.PreparedStatement insert = connection.prepareStatement(
                        "insert into app_user (uid, created_at, updated_at, name) values (?::uuid, now(), now(), ?)")) {
            insert.setString(1, uid);
            insert.setString(2, name);
            insert.executeUpdate();
        }
        return uid;
    }

    /** Starts the server and returns when it accepts connections. */
    void start() {
        run("pg_ctlcluster", version, name, "start");
    }

    /** Drops the cluster (resuming it first, should a failed test have left it frozen). */
    @Override
    public void close() {
        try {
            thaw();
        } catch (RuntimeException e) {
            // not running: nothing to resume
        }
        run("pg_dropcluster", version, name, "--stop");
        run("rm", "-rf", backupDirectory().toString());
    }

    /** Drops what a failed create left registered (nothing, when it failed before registering). */
    private void dropQuietly() {
        try {
            run("pg_dropcluster", version, name, "--stop");
        } catch (IllegalStateException e) {
            // never registered: nothing to drop
        }
    }

    private void run(String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        try {
            File log = Path.of("target", "it-postgres-" + name + ".log").toFile();
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest PostgreSQL major version installed (Debian installs each under /usr/lib/postgresql/<version>). */
    private static String newestVersion() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+"))
                    .max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
