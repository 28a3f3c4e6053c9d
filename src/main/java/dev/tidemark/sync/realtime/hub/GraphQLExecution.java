package dev.tidemark.sync.realtime.hub;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.smallrye.graphql.execution.ExecutionService;

/**
 * Executes GraphQL documents sent over a realtime connection with SmallRye GraphQL (the real
 * schema, its validation, coercion, error formatting and JSON serialisation), acting for the
 * connection's identity, in a request context of their own.
 */
@ApplicationScoped
public class GraphQLExecution {

    private volatile ExecutionService executionService;

    /**
     * Executes {@code request} as SmallRye would for a WebSocket or HTTP request, acting for
     * {@code identity}, and gives the response to {@code writer} on this thread. {@code field}, if
     * not null, tells a table's subscription field what this execution is for ({@link SubscriptionFields}).
     */
    public void execute(JsonObject request, Identity identity, SubscriptionField field, Consumer<ExecutionResponse> writer) {
        ManagedContext requestContext = Arc.container().requestContext();
        boolean activated = !requestContext.isActive();
        if (activated) {
            requestContext.activate();
        }
        // The operation's queries, writes and relation fields apply this identity's row policies.
        Arc.container().instance(Caller.class).get().actAs(identity);
        InjectableContext.ContextState state = requestContext.getState();
        // What SmallRye's Quarkus handler passes: run data fetchers in place (this is a worker
        // thread), in this request context (they re-activate it and deactivate it when done).
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("runBlocking", Boolean.TRUE);
        metadata.put("state", state);
        // the document limits count a refusal of this operation under this transport
        metadata.put(LimitRefusals.TRANSPORT_KEY, LimitRefusals.Transport.WEBSOCKET);
        if (field != null) {
            metadata.put(SubscriptionField.CONTEXT_KEY, field);
        }
        try {
            executionService().executeSync(request, metadata, writer::accept);
        } finally {
            if (activated) {
                if (!requestContext.isActive()) {
                    requestContext.activate(state);
                }
                requestContext.terminate();
            }
        }
    }

    private ExecutionService executionService() {
        ExecutionService service = executionService;
        if (service == null) {
            service = Arc.container().instance(ExecutionService.class).get();
            executionService = service;
        }
        return service;
    }

    /** The errors of an operation that failed on the server: no detail, as SmallRye hides them. */
    public static JsonArray serverError() {
        return Json.createArrayBuilder().add(Json.createObjectBuilder().add("message", "Server Error")
                .add("extensions", Json.createObjectBuilder().add("classification", "DataFetchingException"))).build();
    }
}
