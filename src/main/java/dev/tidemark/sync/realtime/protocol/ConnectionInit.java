package dev.tidemark.sync.realtime.protocol;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.auth.TokenIdentities;
import dev.tidemark.sync.auth.TokenRefusedException;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import io.vertx.core.Vertx;

/**
 * The handshake of a realtime connection: the {@code connection_init} deadline (4408), the
 * verification of its bearer token off the event loop, {@code connection_ack}, and the close at the
 * token's expiry. A refused token closes the connection with 4403 and a fixed sentence ("invalid
 * token", "token expired"...) and the error id under which {@link TokenIdentities} logged the
 * verifier's details (which quote the token's claims): never the details themselves.
 *
 * <p>Legacy {@code graphql-ws} clients (subscriptions-transport-ws, Apollo's WebSocketLink) send their
 * {@code start} messages right after {@code connection_init} without waiting for the ack, as that
 * protocol allows; those are held until the token is verified, then handled in order.
 * {@code graphql-transport-ws} forbids it (a subscribe before the ack is closed with 4401).
 */
@ApplicationScoped
public class ConnectionInit {

    /** graphql-transport-ws: the {@code connection_init} was refused (no token, or a bad one), or the token expired. */
    static final int CLOSE_FORBIDDEN = 4403;

    @Inject
    TokenIdentities identities;

    @Inject
    TidemarkConfig config;

    @Inject
    Vertx vertx;

    @Inject
    LimitRefusals refusals;

    /** A new connection has {@code tidemark.realtime.connection-init-timeout} to send {@code connection_init}. */
    void opened(ClientConnection connection) {
        long timeout = Math.max(1, config.realtime().connectionInitTimeout().toMillis());
        connection.initTimer = vertx.setTimer(timeout, t -> {
            if (!connection.initReceived.get()) {
                refusals.refused(Limit.CONNECTION_INIT_TIMEOUT, Transport.WEBSOCKET);
                connection.close(4408, "Connection initialisation timeout");
            }
        });
    }

    void closed(ClientConnection connection) {
        vertx.cancelTimer(connection.initTimer);
        vertx.cancelTimer(connection.expiryTimer);
        connection.beforeAck.clear();
    }

    /**
     * Verifies the token of a {@code connection_init} on a worker thread, then (on the event loop)
     * acknowledges and hands the held legacy messages to the connection's protocol, or closes with 4403.
     */
    public void init(ClientConnection connection, JsonObject message) {
        vertx.cancelTimer(connection.initTimer);
        if (connection.initReceived.getAndSet(true)) {
            connection.close(4429, "Too many initialisation requests");
            return;
        }
        String token = TokenIdentities.bearer(message.get("payload") instanceof JsonObject payload ? payload : null,
                connection.upgradeAuthorization);
        if (token == null && !config.auth().anonymousAccess()) {
            connection.close(CLOSE_FORBIDDEN, "Forbidden: a token is required");
            return;
        }
        // Verifying a signature is CPU work, and a key location may be read: not on the event loop.
        vertx.executeBlocking(() -> {
            try {
                return token == null ? Identity.ANONYMOUS_FULL_ACCESS : identities.verify(token);
            } catch (TokenRefusedException e) {
                connection.close(CLOSE_FORBIDDEN, "Forbidden: " + e.reason().sentence + " (error id " + e.errorId() + ")");
                return null;
            }
        }, false).onSuccess(identity -> {
            if (identity != null) {
                acknowledge(connection, identity);
            }
        });
    }

    /** True if {@code message} (a legacy {@code start} or {@code stop}) arrived before the ack and is held for it. */
    public boolean deferred(ClientConnection connection, JsonObject message) {
        if (!connection.initReceived.get() || connection.acknowledged) {
            return false;
        }
        int max = config.realtime().maxSubscriptionsPerConnection();
        if (connection.beforeAck.size() >= max) {
            refusals.refused(Limit.MAX_SUBSCRIPTIONS_PER_CONNECTION, Transport.WEBSOCKET);
            connection.close(4429, "more than " + max + " operations sent before connection_ack");
        } else {
            connection.beforeAck.add(message);
        }
        return true;
    }

    private void acknowledge(ClientConnection connection, Identity identity) {
        connection.identity = identity;
        if (identity.expiresAt() != null) {
            long left = Math.max(1, identity.expiresAt().toEpochMilli() - System.currentTimeMillis());
            connection.expiryTimer = vertx.setTimer(left, t -> connection.close(CLOSE_FORBIDDEN,
                    "Forbidden: " + TokenRefusedException.Reason.EXPIRED.sentence + "; reconnect with a new one"));
        }
        connection.acknowledged = true;
        connection.send("{\"type\":\"connection_ack\"}");
        List<JsonObject> held = new ArrayList<>(connection.beforeAck);
        connection.beforeAck.clear();
        held.forEach(message -> connection.protocol.onMessage(connection, WireProtocol.string(message, "type"), message));
    }
}
