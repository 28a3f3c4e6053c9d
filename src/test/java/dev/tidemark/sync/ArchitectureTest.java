package dev.tidemark.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The engine is generic: nothing under {@code sync/} may know the demo domain. */
class ArchitectureTest {

    @Test
    void shouldKeepTheEngineFreeOfDemoImports() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/tidemark/sync"))) {
            List<Path> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("dev.tidemark.demo"))
                    .toList();
            assertEquals(List.of(), offenders);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
