package dev.tidemark.bench;

/**
 * The size a benchmark runs at: full with {@code -Pbenchmark}, tiny in {@code ./mvnw verify}
 * ({@code bench.smoke=true}, set by the build), so that every benchmark runs once per build and
 * none can break unnoticed. A {@code -D} property given on the command line wins in both.
 */
final class BenchSize {

    private BenchSize() {
    }

    /** True when the build runs benchmarks only to prove they still run. */
    static boolean smoke() {
        return Boolean.getBoolean("bench.smoke");
    }

    /** {@code -Dkey} if given, else {@code full}, or {@code tiny} in a smoke run. */
    static int of(String key, int full, int tiny) {
        return Integer.getInteger(key, smoke() ? tiny : full);
    }

    /** Prints which size this is, so a smoke run's numbers are never mistaken for a measurement. */
    static void announce(String benchmark) {
        if (smoke()) {
            System.out.printf("%n[%s] smoke run at a tiny size (bench.smoke=true): it proves the benchmark runs; "
                    + "its numbers measure nothing. Full size: ./mvnw test -Pbenchmark -Dtest=%s%n", benchmark, benchmark);
        }
    }
}
