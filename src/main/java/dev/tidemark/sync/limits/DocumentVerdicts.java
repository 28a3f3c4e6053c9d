package dev.tidemark.sync.limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.GraphQLError;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.conditional.ConditionalNodeDecision;
import graphql.language.Directive;
import graphql.language.Document;
import graphql.language.Node;
import graphql.language.VariableReference;

/**
 * The verdict of one document limit (depth, complexity, expanded size) kept per parsed document, so
 * that a document served from SmallRye's parsed-document cache is not walked again on every request.
 *
 * <p>A verdict depends on the document, the operation executed and, through {@code @skip}/{@code @include},
 * the values of the variables that directives use: it is kept under the operation name and those
 * values (any other variable — a where's values, a list of uids — cannot change it: the limits count
 * fields with graphql-java's default {@code 1 + children}, never arguments). Documents are held by
 * identity and weakly, so an entry lives as long as the cached document; at most
 * {@link #MAX_VARIANTS} verdicts per document are kept (more combinations of directive variables
 * are measured every time). A refusal is kept as its errors and thrown again as the same errors. An
 * operation run with a custom {@link ConditionalNodeDecision} in its context (Tidemark sets none) is
 * always measured.
 */
public final class DocumentVerdicts {

    /** Most verdicts kept for one document (operation name × directive variable values). */
    static final int MAX_VARIANTS = 64;

    private static volatile boolean enabled = true;

    private record Key(String operationName, List<Object> directiveValues) {
    }

    /** A document's variables used by directives, and its verdicts; an empty list of errors is a pass. */
    private record Entry(List<String> directiveVariables, Map<Key, List<GraphQLError>> verdicts) {
    }

    private final Map<Document, Entry> documents = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicLong measured = new AtomicLong();

    /** Turns the cache off (every operation measured, as before it) or on; for the benchmark's A/B and tests. */
    public static void enable(boolean on) {
        enabled = on;
    }

    /**
     * Runs {@code measure} (which throws {@link AbortExecutionException} to refuse) unless the verdict
     * for this document, operation and directive variables is known; replays a known refusal. Each
     * refusal, measured or replayed, is counted once in {@code refusals}.
     */
    void check(ExecutionContext context, LimitRefusals refusals, Runnable measure) {
        try {
            checkOnce(context, measure);
        } catch (AbortExecutionException refused) {
            LimitError.count(refusals, refused, context.getGraphQLContext());
            throw refused;
        }
    }

    private void checkOnce(ExecutionContext context, Runnable measure) {
        if (!enabled || context.getGraphQLContext().get(ConditionalNodeDecision.class) != null) {
            measure(measure);
            return;
        }
        Entry entry = documents.computeIfAbsent(context.getDocument(),
                d -> new Entry(directiveVariables(d), new ConcurrentHashMap<>()));
        Object[] values = new Object[entry.directiveVariables().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = context.getCoercedVariables().get(entry.directiveVariables().get(i));
        }
        Key key = new Key(context.getExecutionInput().getOperationName(), Arrays.asList(values));
        List<GraphQLError> known = entry.verdicts().get(key);
        if (known != null) {
            if (!known.isEmpty()) {
                throw new AbortExecutionException(known);
            }
            return;
        }
        try {
            measure(measure);
        } catch (AbortExecutionException refused) {
            if (!refused.getUnderlyingErrors().isEmpty()) {
                keep(entry, key, List.copyOf(refused.getUnderlyingErrors()));
            }
            throw refused;
        }
        keep(entry, key, List.of());
    }

    private static void keep(Entry entry, Key key, List<GraphQLError> verdict) {
        if (entry.verdicts().size() < MAX_VARIANTS) {
            entry.verdicts().put(key, verdict);
        }
    }

    private void measure(Runnable measure) {
        measured.incrementAndGet();
        measure.run();
    }

    /** How many times an operation was measured instead of answered from the cache (tests). */
    long measured() {
        return measured.get();
    }

    /** The variables referenced anywhere inside a directive of {@code document}, in document order, each once. */
    static List<String> directiveVariables(Document document) {
        List<String> names = new ArrayList<>();
        collect(document, false, names);
        return List.copyOf(names);
    }

    private static void collect(Node<?> node, boolean inDirective, List<String> names) {
        if (inDirective && node instanceof VariableReference variable && !names.contains(variable.getName())) {
            names.add(variable.getName());
        }
        for (Node<?> child : node.getChildren()) {
            collect(child, inDirective || node instanceof Directive, names);
        }
    }
}
