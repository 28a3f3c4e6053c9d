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

/** Runs an npm script of a Node folder of the repository ({@code web-client/} unless named) to its end, its output copied into this build's log. */
final class NpmScript {

    /** How a script ended: its exit code and everything it printed. */
    record Outcome(int exit, String output) {
    }

    private NpmScript() {
    }

    /** The exit code of a {@code web-client/} script; fails when it has not finished within the given minutes. */
    static int run(String script, Map<String, String> environment, int minutes) throws IOException, InterruptedException {
        return run(new File("web-client"), script, environment, minutes).exit();
    }

    /** Runs {@code script} in {@code folder}; fails when it has not finished within the given minutes. */
    static Outcome run(File folder, String script, Map<String, String> environment, int minutes) throws IOException, InterruptedException {
        ProcessBuilder npm = new ProcessBuilder(List.of("npm", "run", script))
                .directory(folder)
                .redirectErrorStream(true);
        npm.environment().putAll(environment);
        npm.environment().put("CI", "true"); // vitest: no watch mode, plain output
        Process process = npm.start();
        process.getOutputStream().close();
        StringBuffer output = new StringBuffer();
        // Copied through System.out: a child writing to the forked JVM's own stdout corrupts failsafe's channel.
        Thread copier = new Thread(() -> copy(process.getInputStream(), output), "npm-" + script);
        copier.start();
        boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        copier.join(TimeUnit.SECONDS.toMillis(10));
        if (!finished) {
            throw new AssertionError("npm run " + script + " did not finish within " + minutes + " minutes");
        }
        return new Outcome(process.exitValue(), output.toString());
    }

    private static void copy(InputStream stream, StringBuffer output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            lines.lines().forEach(line -> {
                System.out.println(line);
                output.append(line).append('\n');
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
