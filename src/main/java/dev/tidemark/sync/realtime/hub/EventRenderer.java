package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import graphql.ExecutionResult;
import graphql.language.AstPrinter;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.VariableDefinition;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import io.smallrye.graphql.execution.ExecutionResponse;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.realtime.ChangeEvent;

/**
 * Serialises events for subscribers, with SmallRye GraphQL and each subscriber's own document.
 *
 * <p>The data of an event depends only on the subscription's selection set and the event, not on
 * its where: {@link #renderKey} names the selection set (the document with the root field's
 * arguments removed, plus the variables it still uses), and {@link #render} serialises one event
 * for one key by executing the subscriber's own document once, with the subscription field
 * answering that event ({@link SubscriptionField.Render}). The writer caches the result per batch,
 * so N subscribers with the same selection cost one execution per event, not N.
 */
@ApplicationScoped
public class EventRenderer {

    private static final Pattern VARIABLE = Pattern.compile("\\$([_A-Za-z][_0-9A-Za-z]*)");
    private static final long TIMEOUT_SECONDS = 30;

    @Inject
    GraphQLExecution execution;

    @Inject
    Instance<GraphQLSchema> schemas;

    @Inject
    TidemarkConfig config;

    private volatile GraphQLSchema schema;

    @PostConstruct
    void configure() {
        DirectEvents.enable(config.realtime().directEvents());
    }

    /**
     * The key of the selection set of a subscribe request, or null if the document does not parse
     * or its operation is not a subscription (execution then reports or handles it).
     */
    public static String renderKey(JsonObject request) {
        String query = request.getString("query", null);
        if (query == null) {
            return null;
        }
        Document document;
        try {
            document = Parser.parse(query);
        } catch (InvalidSyntaxException e) {
            return null;
        }
        String operationName = request.getString("operationName", null);
        OperationDefinition operation = null;
        List<FragmentDefinition> fragments = new ArrayList<>();
        int operations = 0;
        for (Definition<?> definition : document.getDefinitions()) {
            if (definition instanceof OperationDefinition op) {
                operations++;
                if (operationName == null || operationName.equals(op.getName())) {
                    operation = op;
                }
            } else if (definition instanceof FragmentDefinition fragment) {
                fragments.add(fragment);
            }
        }
        if (operation == null || (operationName == null && operations > 1)
                || operation.getOperation() != OperationDefinition.Operation.SUBSCRIPTION) {
            return null;
        }
        List<Selection> roots = new ArrayList<>();
        for (Selection<?> selection : operation.getSelectionSet().getSelections()) {
            roots.add(selection instanceof Field field ? field.transform(b -> b.arguments(List.of())) : selection);
        }
        StringBuilder key = new StringBuilder(AstPrinter.printAstCompact(SelectionSet.newSelectionSet(roots).build()));
        operation.getDirectives().forEach(d -> key.append(' ').append(AstPrinter.printAstCompact(d)));
        fragments.forEach(f -> key.append(' ').append(AstPrinter.printAstCompact(f)));
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = VARIABLE.matcher(key);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }
        JsonObject variables = request.get("variables") instanceof JsonObject v ? v : JsonValue.EMPTY_JSON_OBJECT;
        for (VariableDefinition definition : operation.getVariableDefinitions()) {
            if (used.contains(definition.getName())) {
                key.append(" | ").append(AstPrinter.printAstCompact(definition)).append(" = ")
                        .append(variables.get(definition.getName()));
            }
        }
        return key.toString().intern(); // one instance per selection: the hub's cache compares keys by identity first
    }

    /**
     * The {@code payload} of a data message carrying {@code event} for {@code subscriber}'s selection set:
     * {@code {"data":...}}, written directly when the selection allows ({@link DirectEvents}), else by
     * executing the subscriber's document.
     */
    String render(Subscriber subscriber, ChangeEvent<?> event) {
        String written = DirectEvents.render(subscriber, event, schema());
        return written != null ? written : execute(subscriber, event);
    }

    /** The schema SmallRye built (its types: the scalars and enums that serialise values); null before it is built. */
    private GraphQLSchema schema() {
        GraphQLSchema built = schema;
        if (built == null && schemas.isResolvable()) {
            built = schemas.get();
            schema = built;
        }
        return built;
    }

    private String execute(Subscriber subscriber, ChangeEvent<?> event) {
        CompletableFuture<ExecutionResult> first = new CompletableFuture<>();
        execution.execute(subscriber.request, subscriber.sink.identity(), new SubscriptionField.Render(event), response -> {
            ExecutionResult result = response.getExecutionResult();
            if (result != null && result.isDataPresent() && result.getData() instanceof Publisher<?> publisher) {
                @SuppressWarnings("unchecked")
                Publisher<ExecutionResult> results = (Publisher<ExecutionResult>) publisher;
                results.subscribe(new FirstResult(first));
            } else {
                first.complete(result);
            }
        });
        try {
            ExecutionResult result = first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new ExecutionResponse(result).getExecutionResultAsJsonObject().toString();
        } catch (Exception e) {
            throw new IllegalStateException("could not serialise a " + event.operation + " event", e);
        }
    }

    /** Takes the one result of a rendering execution (the subscription method emitted one event). */
    private record FirstResult(CompletableFuture<ExecutionResult> first) implements org.reactivestreams.Subscriber<ExecutionResult> {
        @Override
        public void onSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        public void onNext(ExecutionResult result) {
            first.complete(result);
        }

        @Override
        public void onError(Throwable error) {
            first.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            first.completeExceptionally(new IllegalStateException("the subscription emitted no event"));
        }
    }
}
