package dev.tidemark.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an npm script of {@code web-client/} to its end, its output copied into this build's log. */
final class NpmScript {

    private NpmScript() {
    }

    /** The script's exit code; fails when it has not finished within the given minutes. */
    static int run(String script, Map<String, String> environment, int minutes) throws IOException, InterruptedException {
        ProcessBuilder npm = new ProcessBuilder(List.of("npm", "run", script))
                .directory(new File("web-client"))
                .redirectErrorStream(true);
        npm.environment().putAll(environment);
        npm.environment().put("CI", "true"); // vitest: no watch mode, plain output
        Process process = npm.start();
        process.getOutputStream().close();
        // Copied through System.out: a child writing to the forked JVM's own stdout corrupts failsafe's channel.
        Thread copier = new Thread(() -> copy(process.getInputStream()), "npm-" + script);
        copier.start();
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        copier.join(TimeUnit.SECONDS.toMillis(10));
        if (!finished) {
            throw new AssertionError("npm run " + script + " did not finish within " + minutes + " minutes");
        }
        return process.exitValue();
    }

    private static void copy(InputStream output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            lines.lines().forEach(System.out::println);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
