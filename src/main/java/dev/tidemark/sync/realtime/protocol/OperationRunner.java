package dev.tidemark.sync.realtime.protocol;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.jboss.logging.Logger;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import dev.tidemark.sync.realtime.hub.GraphQLExecution;
import dev.tidemark.sync.realtime.hub.Subscriber;
import dev.tidemark.sync.realtime.hub.SubscriptionField;
import dev.tidemark.sync.realtime.hub.SubscriptionHub;
import dev.tidemark.sync.schema.SyncTable;
import graphql.ExecutionResult;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.vertx.core.Context;

/**
 * Runs the operation of one {@code subscribe} message on a worker thread: executes its document once
 * with SmallRye GraphQL, then starts the hub's delivery (READY, then events), forwards a stream not
 * served by the hub, or answers a query or mutation with one {@code next} and a {@code complete}.
 *
 * <p>A table's subscription field, when the document executes, hands its table and where to this
 * runner ({@link SubscriptionField.Subscribe}), which registers them with the hub for the
 * connection: nothing is carried on the thread.
 *
 * <p>Each operation runs on a Vert.x context of its own, as Quarkus gives each HTTP request one: the
 * request context (CDI {@code @RequestScoped} beans such as {@code Caller}) is kept in the current
 * duplicated context's local data, so two subscribes of one connection run on the connection's
 * context would share, activate and terminate one request context under each other
 * ({@code ContextNotActiveException} in a few percent of back-to-back subscribes).
 */
@ApplicationScoped
public class OperationRunner {

    private static final Logger LOG = Logger.getLogger(OperationRunner.class);

    @Inject
    SubscriptionHub hub;

    @Inject
    GraphQLExecution execution;

    @Inject
    LimitRefusals refusals;

    /**
     * Starts operation {@code id} of {@code connection} on a worker thread with a context of its own,
     * or queues it behind the connection's running ones ({@link OperationQueue}), or refuses it
     * with {@code LIMIT_EXCEEDED} when the connection already has as many waiting as it may hold
     * subscriptions.
     */
    void run(ClientConnection connection, String id, JsonObject payload, ClientConnection.Operation operation) {
        OperationQueue.Waiting waiting = new OperationQueue.Waiting(id, payload, operation);
        switch (connection.queue.offer(waiting)) {
            case RUN -> start(connection, waiting);
            case QUEUED -> LOG.tracef("Operation %s waits for one of its connection's running operations", id);
            case REFUSED -> refused(connection, id);
        }
    }

    /** Refuses operation {@code id}: as many of the connection's operations wait as it may hold subscriptions. */
    private void refused(ClientConnection connection, String id) {
        refusals.refused(Limit.MAX_SUBSCRIPTIONS_PER_CONNECTION, Transport.WEBSOCKET);
        connection.fail(id, "LIMIT_EXCEEDED", "Too many operations of this connection wait to run"
                + " (more than tidemark.realtime.max-subscriptions-per-connection); wait for answers before sending more");
    }

    /** Executes one operation in its own context, then the next one waiting in the connection's queue. */
    private void start(ClientConnection connection, OperationQueue.Waiting waiting) {
        Context own = VertxContext.createNewDuplicatedContext(connection.context);
        own.executeBlocking(() -> {
            try {
                if (!waiting.operation().cancelled) { // completed by its client before it ran: nothing to do
                    execute(connection, waiting.id(), waiting.payload(), waiting.operation());
                }
            } finally {
                OperationQueue.Waiting next = connection.queue.finished();
                if (next != null) {
                    // started from the connection's event loop, as every operation is, not from this worker thread
                    // (whose Vert.x context is this operation's own)
                    connection.context.runOnContext(v -> start(connection, next));
                }
            }
            return null;
        }, false);
    }

    /** The subscribe of one operation: what a table's subscription field hands its table and where to. */
    private final class Subscribe implements SubscriptionField.Subscribe {
        private final ClientConnection connection;
        private final String id;
        private final JsonObject payload;
        private Subscriber created;

        Subscribe(ClientConnection connection, String id, JsonObject payload) {
            this.connection = connection;
            this.id = id;
            this.payload = payload;
        }

        @Override
        public void subscribe(SyncTable table, Object where) {
            release(created); // a document with two subscription fields is refused by validation; never two subscribers
            created = hub.subscribe(table, where, connection, id, payload);
        }
    }

    /** Executes the document once, then starts delivery or reports the errors. */
    private void execute(ClientConnection connection, String id, JsonObject payload, ClientConnection.Operation operation) {
        Subscribe subscribe = new Subscribe(connection, id, payload);
        ExecutionResponse[] response = new ExecutionResponse[1];
        try {
            execution.execute(payload, connection.identity, subscribe, r -> response[0] = r);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Executing the operation of subscribe %s failed", id);
        }
        Subscriber subscriber = subscribe.created;
        ExecutionResult result = response[0] == null ? null : response[0].getExecutionResult();
        if (result == null || !result.isDataPresent() || subscriber == null && result.getData() == null) {
            release(subscriber);
            connection.operations.remove(id, operation);
            connection.sendError(id, result == null ? GraphQLExecution.serverError()
                    : response[0].getExecutionResultAsJsonObject().getJsonArray("errors"));
            return;
        }
        if (subscriber != null) {
            start(connection, subscriber, operation);
        } else if (result.getData() instanceof Publisher<?> publisher) {
            forward(connection, id, publisher, operation);
        } else {
            if (!operation.cancelled) {
                connection.sendNext(id, response[0].getExecutionResultAsJsonObject().toString());
                connection.sendComplete(id);
            }
            connection.operations.remove(id, operation);
        }
    }

    /** A subscription of the hub: READY first, then it joins its group and gets every later batch. */
    private void start(ClientConnection connection, Subscriber subscriber, ClientConnection.Operation operation) {
        if (operation.cancelled || connection.socket.isClosed()) {
            release(subscriber);
            return;
        }
        if (!hub.start(subscriber)) {
            connection.operations.remove(subscriber.id(), operation);
            connection.sendError(subscriber.id(), GraphQLExecution.serverError());
            return;
        }
        operation.subscriber = subscriber;
        if (operation.cancelled || connection.socket.isClosed()) {
            hub.remove(subscriber);
        }
    }

    /** A subscription field not served by the hub: its stream is forwarded result by result (SmallRye's way). */
    private void forward(ClientConnection connection, String id, Publisher<?> publisher, ClientConnection.Operation operation) {
        @SuppressWarnings("unchecked")
        Publisher<ExecutionResult> results = (Publisher<ExecutionResult>) publisher;
        results.subscribe(new org.reactivestreams.Subscriber<ExecutionResult>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                operation.upstream = subscription;
                if (operation.cancelled) {
                    subscription.cancel();
                } else {
                    subscription.request(1);
                }
            }

            @Override
            public void onNext(ExecutionResult result) {
                connection.sendNext(id, new ExecutionResponse(result).getExecutionResultAsJsonObject().toString());
                operation.upstream.request(1);
            }

            @Override
            public void onError(Throwable error) {
                LOG.debugf(error, "Subscription %s failed", id);
                connection.operations.remove(id, operation);
                connection.sendError(id, GraphQLExecution.serverError());
            }

            @Override
            public void onComplete() {
                connection.operations.remove(id, operation);
                connection.sendComplete(id);
            }
        });
    }

    /** Ends an operation (completed by the client, or its connection closed): its subscription, or its forwarded stream. */
    void cancel(ClientConnection.Operation operation) {
        if (operation == null) {
            return;
        }
        operation.cancelled = true;
        Subscriber subscriber = operation.subscriber;
        if (subscriber != null) {
            hub.remove(subscriber);
        }
        Subscription upstream = operation.upstream;
        if (upstream != null) {
            upstream.cancel();
        }
    }

    /** Ends every operation of a connection (it closed, or is cast off). */
    void cancelAll(ClientConnection connection) {
        for (String id : connection.operations.keySet()) {
            cancel(connection.operations.remove(id));
        }
    }

    private void release(Subscriber subscriber) {
        if (subscriber != null) {
            hub.remove(subscriber);
        }
    }
}
