package dev.tidemark.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The engine's packages form layers: imports only run down. Every package (subpackages count as
 * packages of their own) is read from its imports; an import that closes a cycle is one running
 * back up (as {@code schema} → {@code policy} → {@code schema} did), and so are the named
 * directions of the realtime split (the change log knows no hub, the hub no wire protocol).
 */
class LayeringTest {

    private static final Path ROOT = Path.of("src/main/java/dev/tidemark/sync");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.tidemark\\.sync\\.([a-z.]+?)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void shouldHaveNoCycleBetweenEnginePackages() {
        Map<String, Set<String>> graph = imports();
        List<String> cycles = new ArrayList<>();
        for (String from : graph.keySet()) {
            for (String to : graph.get(from)) {
                List<String> back = path(graph, to, from, new TreeSet<>());
                if (back != null) {
                    cycles.add(from + " -> " + String.join(" -> ", back));
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    @Test
    void shouldKeepTheRealtimeLayersApart() {
        Map<String, Set<String>> graph = imports();
        assertEquals(Set.of(), only(graph.getOrDefault("realtime.changelog", Set.of()), "realtime.hub", "realtime.protocol"));
        assertEquals(Set.of(), only(graph.getOrDefault("realtime.hub", Set.of()), "realtime.protocol"));
        assertEquals(Set.of(), only(graph.getOrDefault("entity", Set.of()), "schema", "policy", "write", "where", "reconcile", "query"));
        assertEquals(Set.of(), only(graph.getOrDefault("schema", Set.of()), "policy", "write", "where", "reconcile", "query", "realtime"));
    }

    /** The imports of {@code imports} that start with one of {@code forbidden}. */
    private static Set<String> only(Set<String> imports, String... forbidden) {
        Set<String> found = new TreeSet<>();
        for (String target : imports) {
            for (String f : forbidden) {
                if (target.equals(f) || target.startsWith(f + ".")) {
                    found.add(target);
                }
            }
        }
        return found;
    }

    /** A path of imports from {@code from} to {@code to}, or null. */
    private static List<String> path(Map<String, Set<String>> graph, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return new ArrayList<>(List.of(to));
        }
        if (!seen.add(from)) {
            return null;
        }
        for (String next : graph.getOrDefault(from, Set.of())) {
            List<String> rest = path(graph, next, to, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }

    /** Package (relative to {@code sync}, dotted) → the engine packages its files import. */
    private static Map<String, Set<String>> imports() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
                String pkg = ROOT.relativize(file.getParent()).toString().replace('/', '.').replace('\\', '.');
                Set<String> targets = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher matcher = IMPORT.matcher(read(file));
                while (matcher.find()) {
                    if (!matcher.group(1).equals(pkg)) {
                        targets.add(matcher.group(1));
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
