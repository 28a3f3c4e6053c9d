package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The side-by-side benchmark against PostGraphile ({@code bench/peer}, {@code npm run bench}), its
 * one-row lookup alone ({@code npm run bench:lookup}) and its fan-out on distinct scopes alone
 * ({@code npm run bench:fanout}, through its delaying proxy) once at a tiny size, on this build's packaged server, so that it cannot break unnoticed. It asserts only
 * that the harness ran and printed its table: its smoke numbers measure nothing (the full run is the
 * command in docs/benchmarks.md).
 */
@Tag("benchmark")
class PeerBenchmarkIT {

    @Test
    void shouldRunTheSideBySideBenchmarkAndPrintItsTable() throws IOException, InterruptedException {
        Map<String, String> environment = Map.of(
                "BENCH_SIZE", "smoke",
                "TIDEMARK_JAR", Path.of(System.getProperty("tidemark.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath().toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        NpmScript.Outcome outcome = NpmScript.run(new File("bench/peer"), "bench", environment, 10);
        assertEquals(0, outcome.exit(), "the peer benchmark failed; its output is above in the build log");
        assertTrue(outcome.output().contains("| measure | PostGraphile | Tidemark | floor (graphql-ws) |"),
                "the peer benchmark ended without printing its table; its output is above");
    }

    @Test
    void shouldRunTheLookupBenchmarkAndPrintItsLines() throws IOException, InterruptedException {
        String jar = Path.of(System.getProperty("tidemark.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath().toString();
        Map<String, String> environment = Map.of(
                "LOOKUP_JARS", "main=" + jar,
                "LOOKUP_RUNS", "5",
                "LOOKUP_WARMUP", "1",
                "BENCH_SCOPE_ROWS", "50",
                "BENCH_EQ_ROWS", "45",
                "JAVA_HOME", System.getProperty("java.home"));
        NpmScript.Outcome outcome = NpmScript.run(new File("bench/peer"), "bench:lookup", environment, 10);
        assertEquals(0, outcome.exit(), "the lookup benchmark failed; its output is above in the build log");
        assertTrue(outcome.output().contains("postgraphile   p50") && outcome.output().contains("main           p50"),
                "the lookup benchmark ended without printing a line per server; its output is above");
    }

    @Test
    void shouldRunTheFanOutBenchmarkThroughItsDelayingProxyAndPrintItsLines() throws IOException, InterruptedException {
        String jar = Path.of(System.getProperty("tidemark.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath().toString();
        Map<String, String> environment = Map.of(
                "BENCH_SIZE", "smoke",
                "FANOUT_JARS", "main=" + jar,
                "FANOUT_ROUNDS", "1",
                "FANOUT_DELAY_MS", "1",
                "JAVA_HOME", System.getProperty("java.home"));
        NpmScript.Outcome outcome = NpmScript.run(new File("bench/peer"), "bench:fanout", environment, 10);
        assertEquals(0, outcome.exit(), "the fan-out benchmark failed; its output is above in the build log");
        assertTrue(outcome.output().contains("through a proxy holding each chunk 1 ms") && outcome.output().contains("\nmain           "),
                "the fan-out benchmark ended without printing a line per server; its output is above");
    }
}
