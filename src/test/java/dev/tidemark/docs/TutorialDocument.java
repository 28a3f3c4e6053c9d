package dev.tidemark.docs;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The fenced blocks of {@code docs/tutorial.md}, each named by the HTML comment on the line before
 * it: {@code <!-- tutorial:NAME -->} for an operation, SQL or file snippet, {@code <!-- tutorial:NAME
 * variables|response|events -->} for its JSON. Remembers which blocks a test read, so that a block no
 * test runs is reported, and compares shown JSON with real answers modulo times and cursors.
 */
final class TutorialDocument {

    static final Path PATH = Path.of("docs/tutorial.md");

    private static final Pattern MARKER = Pattern.compile("<!-- tutorial:([a-z0-9-]+)(?: (variables|response|events))?(?: file=(\\S+))? -->");
    private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
    /** ISO-8601 instants, alone or inside a cursor ({@code <xmin>@<instant>}) or an error message. */
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?(Z|[+-]\\d\\d:\\d\\d)?");
    private static final Pattern CURSOR = Pattern.compile("\\d+@<time>");

    /** One fenced block: its key (NAME or NAME.role), language, text, the file it must equal, and its lines. */
    record Block(String key, String language, String text, String file, int firstLine, int lastLine) {
    }

    private final List<String> lines;
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();
    private final Map<String, String> recorded = new LinkedHashMap<>();

    private TutorialDocument(List<String> lines) {
        this.lines = lines;
        parse();
    }

    static TutorialDocument of(List<String> lines) {
        return new TutorialDocument(lines);
    }

    static TutorialDocument read() {
        try {
            return of(Files.readAllLines(PATH));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The block named {@code key}, marked as run; fails when the tutorial has none. */
    Block block(String key) {
        Block block = blocks.get(key);
        if (block == null) {
            throw new AssertionError("docs/tutorial.md has no block <!-- tutorial:" + key.replace('.', ' ') + " -->");
        }
        used.add(key);
        return block;
    }

    boolean has(String key) {
        return blocks.containsKey(key);
    }

    Set<String> unused() {
        Set<String> unused = new LinkedHashSet<>(blocks.keySet());
        unused.removeAll(used);
        return unused;
    }

    /** Keeps {@code actual} as the new text of block {@code key}, written by {@link #writeRecorded()}. */
    void record(String key, JsonValue actual) {
        record(key, pretty(actual));
    }

    /** Keeps {@code text} as the new text of block {@code key} (a snippet copied from its file). */
    void record(String key, String text) {
        block(key);
        recorded.put(key, text);
    }

    /** Rewrites the recorded blocks in docs/tutorial.md (the record mode, to refresh the shown output). */
    void writeRecorded() {
        List<String> out = new ArrayList<>(lines);
        blocks.values().stream().filter(b -> recorded.containsKey(b.key()))
                .sorted(Comparator.comparingInt(Block::firstLine).reversed())
                .forEach(b -> {
                    out.subList(b.firstLine(), b.lastLine()).clear();
                    out.addAll(b.firstLine(), List.of(recorded.get(b.key()).split("\n", -1)));
                });
        try {
            Files.write(PATH, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonValue parseJson(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /** The value with every instant replaced by {@code <time>} and every cursor by {@code <cursor>}. */
    static JsonValue stable(JsonValue value) {
        switch (value.getValueType()) {
            case OBJECT -> {
                JsonObjectBuilder object = Json.createObjectBuilder();
                value.asJsonObject().forEach((k, v) -> object.add(k, stable(v)));
                return object.build();
            }
            case ARRAY -> {
                JsonArrayBuilder array = Json.createArrayBuilder();
                value.asJsonArray().forEach(v -> array.add(stable(v)));
                return array.build();
            }
            case STRING -> {
                String text = TIME.matcher(((JsonString) value).getString()).replaceAll("<time>");
                return Json.createValue(CURSOR.matcher(text).replaceAll("<cursor>"));
            }
            default -> {
                return value;
            }
        }
    }

    /** Formats JSON the way the tutorial shows it: a value on one line when it fits in 100 columns, else two-space indented. */
    static String pretty(JsonValue value) {
        return pretty(value, "", 0);
    }

    /** {@code indent}: the indentation of the line the value starts on; {@code column}: where on that line it starts. */
    private static String pretty(JsonValue value, String indent, int column) {
        String flat = flat(value);
        if (!(value instanceof JsonObject || value instanceof JsonArray) || column + flat.length() <= 100) {
            return flat;
        }
        String inner = indent + "  ";
        List<String> items = new ArrayList<>();
        if (value instanceof JsonObject object) {
            object.forEach((k, v) -> {
                String key = inner + Json.createValue(k) + ": ";
                items.add(key + pretty(v, inner, key.length()));
            });
            return "{\n" + String.join(",\n", items) + "\n" + indent + "}";
        }
        value.asJsonArray().forEach(v -> items.add(inner + pretty(v, inner, inner.length())));
        return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
    }

    private static String flat(JsonValue value) {
        if (value instanceof JsonObject object) {
            List<String> fields = new ArrayList<>();
            object.forEach((k, v) -> fields.add(Json.createValue(k) + ": " + flat(v)));
            return "{" + String.join(", ", fields) + "}";
        }
        if (value instanceof JsonArray array) {
            List<String> items = new ArrayList<>();
            array.forEach(v -> items.add(flat(v)));
            return "[" + String.join(", ", items) + "]";
        }
        return value.toString();
    }

    private void parse() {
        String marker = null;
        int markerLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher named = MARKER.matcher(line);
            Matcher fence = FENCE.matcher(line);
            if (named.matches()) {
                marker = line;
                markerLine = i;
            } else if (fence.matches()) {
                int end = closingFence(i);
                if (marker == null || markerLine != i - 1) {
                    throw new AssertionError("docs/tutorial.md line " + (i + 1) + ": a fenced block without a <!-- tutorial:NAME --> line"
                            + " just before it, so no test would run it");
                }
                Matcher m = MARKER.matcher(marker);
                m.matches();
                String key = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
                String text = String.join("\n", lines.subList(i + 1, end));
                if (blocks.put(key, new Block(key, fence.group(1), text, m.group(3), i + 1, end)) != null) {
                    throw new AssertionError("docs/tutorial.md: two blocks named " + marker);
                }
                marker = null;
                i = end;
            }
        }
    }

    private int closingFence(int open) {
        for (int j = open + 1; j < lines.size(); j++) {
            if (lines.get(j).strip().equals("```")) {
                return j;
            }
        }
        throw new AssertionError("docs/tutorial.md line " + (open + 1) + ": unclosed fenced block");
    }
}
