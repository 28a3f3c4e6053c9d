package dev.tidemark.sync.realtime;

import java.io.StringReader;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.auth.TokenIdentities;
import dev.tidemark.sync.error.UnauthenticatedException;
import dev.tidemark.sync.config.TidemarkConfig;
import graphql.ExecutionResult;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The GraphQL-over-WebSocket endpoint at {@code /graphql}: the {@code graphql-transport-ws}
 * protocol (enisdenjo/graphql-ws, PROTOCOL.md) and the legacy {@code graphql-ws}
 * (subscriptions-transport-ws). It takes the upgrade requests before SmallRye GraphQL's own
 * WebSocket handler (route order -100, SmallRye's is -99); plain HTTP requests to the path go on
 * to SmallRye as before.
 *
 * <p>A subscribe message is executed once by SmallRye GraphQL (parse, validation against the
 * schema, where coercion and checking, the per-connection limit), on a worker thread. Its errors
 * are an {@code error} message for that id with SmallRye's formatting; the connection stays up. A
 * valid subscription gets READY, then joins its {@link ScopeGroup}; its events are serialised once
 * per selection set and batch by the hub and written with this subscription's id. Queries and
 * mutations sent over the socket get one {@code next} and a {@code complete}.
 *
 * <p>Close codes: 4400 malformed or unexpected message, 4401 subscribe before {@code
 * connection_ack} (legacy: 4429), 4406 no supported subprotocol, 4408 no {@code connection_init}
 * within {@code tidemark.realtime.connection-init-timeout}, 4403 a {@code connection_init} without a
 * valid token (unless anonymous access is on) or a token that expired while connected, 4409 an id
 * already in use, 4429 a second {@code connection_init}, 1009 a message over the size limit, 1012 on
 * shutdown ({@link SubscriptionHub#shutdown}).
 *
 * <p>Identity: the token of the {@code connection_init} payload ({@code {"Authorization": "Bearer
 * <jwt>"}}) is verified once; every operation of the connection acts for it ({@link Caller#actAs}).
 */
@ApplicationScoped
public class GraphQLWsEndpoint {

    static final String TRANSPORT_WS = "graphql-transport-ws";
    static final String LEGACY_WS = "graphql-ws";
    /** Before SmallRye GraphQL's WebSocket route on the same path (order -99). */
    static final int ROUTE_ORDER = -100;
    /** graphql-transport-ws: the {@code connection_init} was refused (no token, or a bad one). */
    static final int CLOSE_FORBIDDEN = 4403;

    private static final Logger LOG = Logger.getLogger(GraphQLWsEndpoint.class);
    /** One factory: {@code Json.createReader} looks the JSON provider up again on every call. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(java.util.Map.of());

    @Inject
    SubscriptionHub hub;

    @Inject
    EventRenderer renderer;

    @Inject
    TokenIdentities identities;

    @Inject
    TidemarkConfig config;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.smallrye-graphql.root-path", defaultValue = "graphql")
    String rootPath;

    void route(@Observes Router router) {
        String path = rootPath.startsWith("/") ? rootPath : "/" + rootPath;
        router.route(path).order(ROUTE_ORDER).handler(this::upgrade);
    }

    private void upgrade(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!request.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true) || request.isEnded()) {
            context.next();
            return;
        }
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.succeeded()) {
                open(upgraded.result());
            } else {
                LOG.debugf(upgraded.cause(), "WebSocket upgrade failed");
            }
        });
    }

    private void open(ServerWebSocket socket) {
        String subprotocol = socket.subProtocol();
        if (!TRANSPORT_WS.equals(subprotocol) && !LEGACY_WS.equals(subprotocol)) {
            socket.close((short) 4406, "Subprotocol not acceptable");
            return;
        }
        ClientConnection connection = new ClientConnection(socket, LEGACY_WS.equals(subprotocol),
                config.realtime().subscriberBuffer());
        connection.upgradeAuthorization = socket.headers().get("Authorization");
        hub.opened(connection);
        socket.closeHandler(v -> closed(connection));
        socket.exceptionHandler(connection::failed);
        socket.textMessageHandler(text -> onMessage(connection, text));
        socket.binaryMessageHandler(data -> connection.close(4400, "Binary messages are not part of the protocol"));
        long timeout = Math.max(1, config.realtime().connectionInitTimeout().toMillis());
        connection.initTimer = vertx.setTimer(timeout, t -> {
            if (!connection.initReceived.get()) {
                connection.close(4408, "Connection initialisation timeout");
            }
        });
        if (hub.isClosing()) {
            connection.close(SubscriptionHub.CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
        }
    }

    private void closed(ClientConnection connection) {
        vertx.cancelTimer(connection.initTimer);
        vertx.cancelTimer(connection.expiryTimer);
        hub.closed(connection);
        for (String id : connection.operations.keySet()) {
            cancel(connection.operations.remove(id));
        }
    }

    void onMessage(ClientConnection connection, String text) {
        JsonObject message;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                connection.close(4400, "Invalid message received: not a JSON object");
                return;
            }
            message = object;
        } catch (JsonException | IllegalStateException e) {
            connection.close(4400, "Invalid message received: not JSON");
            return;
        }
        String type = string(message, "type");
        if (type == null) {
            connection.close(4400, "Invalid message received: no type");
            return;
        }
        if (connection.legacy) {
            onLegacyMessage(connection, type, message);
            return;
        }
        switch (type) {
            case "connection_init" -> init(connection, message);
            case "ping" -> connection.send("{\"type\":\"pong\"}");
            case "pong" -> {
                // a reply to nothing we sent, or a unidirectional heartbeat: nothing to do
            }
            case "subscribe" -> subscribe(connection, message);
            case "complete" -> complete(connection, message);
            default -> connection.close(4400, "Unexpected message of type " + type + " received");
        }
    }

    private void onLegacyMessage(ClientConnection connection, String type, JsonObject message) {
        switch (type) {
            case "connection_init" -> init(connection, message);
            case "start" -> subscribe(connection, message);
            case "stop" -> complete(connection, message);
            case "connection_terminate" -> connection.close(1000, "");
            default -> connection.close(4400, "Unexpected message of type " + type + " received");
        }
    }

    private void init(ClientConnection connection, JsonObject message) {
        vertx.cancelTimer(connection.initTimer);
        if (connection.initReceived.getAndSet(true)) {
            connection.close(4429, "Too many initialisation requests");
            return;
        }
        String token = TokenIdentities.bearer(message.get("payload") instanceof JsonObject payload ? payload : null,
                connection.upgradeAuthorization);
        // Verifying a signature is CPU work, and a key location may be read: not on the event loop.
        vertx.executeBlocking(() -> {
            try {
                return token == null ? Caller.anonymous(config) : identities.verify(token);
            } catch (UnauthenticatedException e) {
                connection.close(CLOSE_FORBIDDEN, "Forbidden: " + limit(e.getMessage()));
                return null;
            }
        }, false).onSuccess(identity -> {
            if (identity != null) {
                acknowledge(connection, identity);
            }
        });
    }

    private void acknowledge(ClientConnection connection, Identity identity) {
        connection.identity = identity;
        if (identity.expiresAt() != null) {
            long left = Math.max(1, identity.expiresAt().toEpochMilli() - System.currentTimeMillis());
            connection.expiryTimer = vertx.setTimer(left, t -> connection.close(CLOSE_FORBIDDEN,
                    "Forbidden: the token expired; reconnect with a new one"));
        }
        connection.acknowledged = true;
        connection.send("{\"type\":\"connection_ack\"}");
    }

    /** A WebSocket close reason is at most 123 bytes. */
    private static String limit(String reason) {
        return reason.length() > 110 ? reason.substring(0, 107) + "..." : reason;
    }

    private void subscribe(ClientConnection connection, JsonObject message) {
        if (!connection.acknowledged) {
            if (connection.legacy) {
                connection.close(4429, "Connection not initialized");
            } else {
                connection.close(4401, "Unauthorized");
            }
            return;
        }
        String id = string(message, "id");
        if (id == null || id.isEmpty() || !(message.get("payload") instanceof JsonObject payload)) {
            connection.close(4400, "Invalid message received: subscribe needs an id and a payload object");
            return;
        }
        ClientConnection.Operation operation = new ClientConnection.Operation();
        if (connection.operations.putIfAbsent(id, operation) != null) {
            connection.close(4409, "Subscriber for " + id + " already exists");
            return;
        }
        // On a Vert.x worker of this connection's context: SmallRye's blocking data fetchers (queries
        // and mutations sent over the socket) expect a Vert.x context, as under its own handler.
        vertx.executeBlocking(() -> {
            execute(connection, id, payload, operation);
            return null;
        }, false);
    }

    private void complete(ClientConnection connection, JsonObject message) {
        String id = string(message, "id");
        if (id == null) {
            connection.close(4400, "Invalid message received: complete needs an id");
            return;
        }
        cancel(connection.operations.remove(id));
    }

    private void cancel(ClientConnection.Operation operation) {
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

    /** Runs a subscribe on a worker thread: executes the document once, then starts delivery or reports the errors. */
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
            connection.sendError(id, result == null ? serverError() : response[0].getExecutionResultAsJsonObject().getJsonArray("errors"));
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
            connection.sendError(subscriber.id, serverError());
            return;
        }
        connection.sendNext(subscriber.id, ready); // written before joining: no event can overtake it
        hub.join(subscriber);
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
                connection.sendError(id, serverError());
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

    private static String string(JsonObject message, String key) {
        return message.get(key) instanceof JsonString value ? value.getString() : null;
    }

    static JsonArray serverError() {
        return Json.createArrayBuilder().add(Json.createObjectBuilder().add("message", "Server Error")
                .add("extensions", Json.createObjectBuilder().add("classification", "DataFetchingException"))).build();
    }

    static JsonArray limitError(String message) {
        return Json.createArrayBuilder().add(Json.createObjectBuilder().add("message", message)
                .add("extensions", Json.createObjectBuilder().add("code", "LIMIT_EXCEEDED")
                        .add("classification", "DataFetchingException"))).build();
    }
}
