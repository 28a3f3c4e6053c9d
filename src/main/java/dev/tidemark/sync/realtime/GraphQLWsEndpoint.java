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
import org.reactivestreams.Subscription;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.metrics.SyncMetrics;
import io.vertx.core.Context;
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
 * <p>A subscribe message is executed once by SmallRye GraphQL on a worker thread
 * ({@link OperationRunner}). Its errors are an {@code error} message for that id with SmallRye's
 * formatting; the connection stays up. A valid subscription gets READY, then joins its
 * {@link ScopeGroup}; its events are serialised once per selection set and batch by the hub and
 * written with this subscription's id. Queries and mutations sent over the socket get one
 * {@code next} and a {@code complete}. The handshake and its 4403 refusals are {@link ConnectionInit}'s.
 *
 * <p>Close codes: 4400 malformed or unexpected message, 4401 subscribe before {@code
 * connection_ack} (legacy: 4429), 4403 no valid token, 4406 no supported subprotocol, 4408 no {@code
 * connection_init} within {@code tidemark.realtime.connection-init-timeout}, 4409 an id already in
 * use, 4429 a second {@code connection_init}, 1009 a message over the size limit, 1012 on shutdown
 * ({@link SubscriptionHub#shutdown}), 1013 a client too slow to read what it is sent (more than
 * {@code tidemark.realtime.max-queued-bytes-per-connection} waiting for it). Close reasons are fixed
 * sentences; where they quote the client's own text (a type, an id) it is cut short.
 */
@ApplicationScoped
public class GraphQLWsEndpoint {

    static final String TRANSPORT_WS = "graphql-transport-ws";
    static final String LEGACY_WS = "graphql-ws";
    /** Before SmallRye GraphQL's WebSocket route on the same path (order -99). */
    static final int ROUTE_ORDER = -100;
    /** RFC 6455 "Try Again Later": the client read too slowly and was cast off; it reconnects, resubscribes and syncs. */
    static final int CLOSE_TRY_AGAIN_LATER = 1013;
    /**
     * How long a client cast off for reading too slowly has to take its close frame before the TCP
     * connection is dropped (a client that reads nothing never takes it, and Netty holds its buffers
     * until the connection is gone).
     */
    static final long SLOW_CLOSE_GRACE_MILLIS = 5000;

    private static final Logger LOG = Logger.getLogger(GraphQLWsEndpoint.class);
    /** One factory: {@code Json.createReader} looks the JSON provider up again on every call. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(java.util.Map.of());

    @Inject
    SubscriptionHub hub;

    @Inject
    OperationRunner runner;

    @Inject
    ConnectionInit handshake;

    @Inject
    TidemarkConfig config;

    @Inject
    SyncMetrics metrics;

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
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        ClientConnection connection = new ClientConnection(socket, LEGACY_WS.equals(subprotocol), context,
                config.realtime().maxQueuedBytesPerConnection().asLongValue(), this::tooSlow);
        connection.upgradeAuthorization = socket.headers().get("Authorization");
        hub.opened(connection);
        socket.closeHandler(v -> closed(connection));
        socket.exceptionHandler(connection::failed);
        socket.textMessageHandler(text -> onMessage(connection, text));
        socket.binaryMessageHandler(data -> connection.close(4400, "Binary messages are not part of the protocol"));
        handshake.opened(connection);
        if (hub.isClosing()) {
            connection.close(SubscriptionHub.CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
        }
    }

    private void closed(ClientConnection connection) {
        connection.closed();
        handshake.closed(connection);
        hub.closed(connection);
        cancelAll(connection);
    }

    /**
     * The client reads slower than changes arrive and more than the bound waits for it: its
     * subscriptions end now, it is closed with 1013 (the frames still waiting are dropped), and if it
     * has not taken the close frame after the grace its TCP connection is dropped, which frees what
     * the network layer still holds for it. It reconnects, resubscribes and syncs, so no change is
     * lost for good (I7).
     */
    private void tooSlow(ClientConnection connection) {
        long max = config.realtime().maxQueuedBytesPerConnection().asLongValue();
        LOG.infof("Closing a realtime connection from %s with %d: it read too slowly, more than %d bytes waited for it "
                + "(tidemark.realtime.max-queued-bytes-per-connection)", connection.socket.remoteAddress(),
                CLOSE_TRY_AGAIN_LATER, max);
        metrics.slowConsumerClosed();
        cancelAll(connection);
        connection.close(CLOSE_TRY_AGAIN_LATER, "too slow: over " + max + " bytes waited to be sent; reconnect and sync");
        vertx.setTimer(SLOW_CLOSE_GRACE_MILLIS, t -> connection.drop());
    }

    private void cancelAll(ClientConnection connection) {
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
            case "connection_init" -> handshake.init(connection, message, this::onLegacyMessage);
            case "ping" -> connection.send("{\"type\":\"pong\"}");
            case "pong" -> {
                // a reply to nothing we sent, or a unidirectional heartbeat: nothing to do
            }
            case "subscribe" -> subscribe(connection, message);
            case "complete" -> complete(connection, message);
            default -> connection.close(4400, "Unexpected message of type " + quote(type) + " received");
        }
    }

    private void onLegacyMessage(ClientConnection connection, JsonObject message) {
        onLegacyMessage(connection, string(message, "type"), message);
    }

    private void onLegacyMessage(ClientConnection connection, String type, JsonObject message) {
        if (("start".equals(type) || "stop".equals(type)) && handshake.deferred(connection, message)) {
            return;
        }
        switch (type) {
            case "connection_init" -> handshake.init(connection, message, this::onLegacyMessage);
            case "start" -> subscribe(connection, message);
            case "stop" -> complete(connection, message);
            case "connection_terminate" -> connection.close(1000, "");
            default -> connection.close(4400, "Unexpected message of type " + quote(type) + " received");
        }
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
            connection.close(4409, "Subscriber for " + quote(id) + " already exists");
            return;
        }
        runner.run(connection.context, connection, id, payload, operation);
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

    static String string(JsonObject message, String key) {
        return message.get(key) instanceof JsonString value ? value.getString() : null;
    }

    /** A client's own text (a message type, an operation id) as a close reason quotes it: short, whatever was sent. */
    private static String quote(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }

    static JsonArray serverError() {
        return Json.createArrayBuilder().add(Json.createObjectBuilder().add("message", "Server Error")
                .add("extensions", Json.createObjectBuilder().add("classification", "DataFetchingException"))).build();
    }
}
