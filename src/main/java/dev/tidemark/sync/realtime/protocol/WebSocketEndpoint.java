package dev.tidemark.sync.realtime.protocol;

import java.io.StringReader;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.limits.GraphQLHttpGuard;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.SyncMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The GraphQL-over-WebSocket endpoint at {@code /graphql}: takes the upgrade requests before
 * SmallRye GraphQL's own WebSocket handler (route order -100, SmallRye's is -99; plain HTTP requests
 * to the path go on to SmallRye), picks the client's {@link WireProtocol} ({@code
 * graphql-transport-ws} or the legacy {@code graphql-ws}), reads each message as a JSON object
 * with a type and hands it to that protocol. The handshake and its 4403 refusals are
 * {@link ConnectionInit}'s; operations are run by {@link OperationRunner}.
 *
 * <p>Close codes: 4400 malformed or unexpected message, 4401 subscribe before {@code
 * connection_ack} (legacy: 4429), 4403 no valid token, 4406 no supported subprotocol, 4408 no {@code
 * connection_init} within {@code tidemark.realtime.connection-init-timeout}, 4409 an id already in
 * use, 4429 a second {@code connection_init}, 1009 a message over the size limit, 1012 on shutdown
 * ({@link Connections#shutdown}), 1013 a client too slow to read what it is sent (more than
 * {@code tidemark.realtime.max-queued-bytes-per-connection} waiting for it). Close reasons are fixed
 * sentences; where they quote the client's own text (a type, an id) it is cut short.
 */
@ApplicationScoped
public class WebSocketEndpoint {

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

    private static final Logger LOG = Logger.getLogger(WebSocketEndpoint.class);
    /** One factory: {@code Json.createReader} looks the JSON provider up again on every call. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    @Inject
    Instance<WireProtocol> protocols;

    @Inject
    Connections connections;

    @Inject
    OperationRunner runner;

    @Inject
    ConnectionInit handshake;

    @Inject
    TidemarkConfig config;

    @Inject
    SyncMetrics metrics;

    @Inject
    LimitRefusals refusals;

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
                open(upgraded.result(), context.get(GraphQLHttpGuard.CLIENT_ADDRESS));
            } else {
                LOG.debugf(upgraded.cause(), "WebSocket upgrade failed");
            }
        });
    }

    private void open(ServerWebSocket socket, String clientAddress) {
        WireProtocol protocol = protocols.stream().filter(p -> p.name().equals(socket.subProtocol())).findFirst().orElse(null);
        if (protocol == null) {
            socket.close((short) 4406, "Subprotocol not acceptable");
            return;
        }
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
        ClientConnection connection = new ClientConnection(socket, protocol, context,
                config.realtime().maxQueuedBytesPerConnection().asLongValue(), this::tooSlow,
                new OperationQueue(config.realtime().maxRunningOperationsPerConnection(),
                        config.realtime().maxSubscriptionsPerConnection()), refusals);
        connection.upgradeAuthorization = socket.headers().get("Authorization");
        connection.clientAddress = clientAddress;
        socket.closeHandler(v -> closed(connection));
        socket.exceptionHandler(connection::failed);
        socket.textMessageHandler(text -> onMessage(connection, text));
        socket.binaryMessageHandler(data -> connection.close(4400, "Binary messages are not part of the protocol"));
        handshake.opened(connection);
        connections.opened(connection);
    }

    private void closed(ClientConnection connection) {
        connection.closed();
        handshake.closed(connection);
        connections.closed(connection);
        runner.cancelAll(connection);
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
        runner.cancelAll(connection);
        connection.close(CLOSE_TRY_AGAIN_LATER, "too slow: over " + max + " bytes waited to be sent; reconnect and sync");
        vertx.setTimer(SLOW_CLOSE_GRACE_MILLIS, t -> connection.drop());
    }

    private void onMessage(ClientConnection connection, String text) {
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
        String type = WireProtocol.string(message, "type");
        if (type == null) {
            connection.close(4400, "Invalid message received: no type");
            return;
        }
        connection.protocol.onMessage(connection, type, message);
    }
}
