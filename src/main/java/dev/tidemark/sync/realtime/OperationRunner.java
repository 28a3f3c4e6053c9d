package dev.tidemark.sync.realtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.jboss.logging.Logger;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import graphql.ExecutionResult;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.vertx.core.Context;

/**
 * Runs the operation of one {@code subscribe} message on a worker thread: executes its document once
 * with SmallRye GraphQL, then starts the hub's delivery (READY, then events), forwards a stream not
 * served by the hub, or answers a query or mutation with one {@code next} and a {@code complete}.
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
    EventRenderer renderer;

    /** Starts operation {@code id} of {@code connection} on a worker thread with a context of its own. */
    void run(Context connectionContext, ClientConnection connection, String id, JsonObject payload,
            ClientConnection.Operation operation) {
        Context own = VertxContext.createNewDuplicatedContext(connectionContext);
        own.executeBlocking(() -> {
            execute(connection, id, payload, operation);
            return null;
        }, false);
    }

    /** Executes the document once, then starts delivery or reports the errors. */
    private void execute(ClientConnection connection, String id, JsonObject payload, ClientConnection.Operation operation) {
        SubscriptionHub.Registration registration = SubscriptionHub.Registration.subscribe(connection, id, payload,
                EventRenderer.renderKey(payload));
        ExecutionResponse[] response = new ExecutionResponse[1];
        SubscriptionHub.open(registration);
        try {
            renderer.execute(payload, connection.identity, r -> response[0] = r);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Executing the operation of subscribe %s failed", id);
        } finally {
            SubscriptionHub.closeRegistration();
        }
        Subscriber subscriber = registration.created;
        ExecutionResult result = response[0] == null ? null : response[0].getExecutionResult();
        if (result == null || !result.isDataPresent() || subscriber == null && result.getData() == null) {
            release(subscriber);
            connection.operations.remove(id, operation);
            connection.sendError(id, result == null ? GraphQLWsEndpoint.serverError()
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
        String ready;
        try {
            ready = renderer.render(subscriber, ChangeEvent.signal(ChangeOperation.READY, subscriber.readyCursor));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Serialising READY for subscribe %s failed", subscriber.id);
            release(subscriber);
            connection.operations.remove(subscriber.id, operation);
            connection.sendError(subscriber.id, GraphQLWsEndpoint.serverError());
            return;
        }
        // Joined before READY can reach the client, so a change it commits (or syncs past) once it has
        // READY is never decided without this subscriber; and READY is queued before any event, as
        // Subscriber#next waits for this block.
        synchronized (subscriber) {
            hub.join(subscriber);
            connection.sendNext(subscriber.id, ready);
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
                connection.sendError(id, GraphQLWsEndpoint.serverError());
            }

            @Override
            public void onComplete() {
                connection.operations.remove(id, operation);
                connection.sendComplete(id);
            }
        });
    }

    private void release(Subscriber subscriber) {
        if (subscriber != null) {
            hub.remove(subscriber);
        }
    }
}
