package dev.tidemark.sync.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonArray;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.ServerWebSocket;

import dev.tidemark.sync.auth.Identity;

/**
 * One client WebSocket connection speaking {@code graphql-transport-ws} (or the legacy
 * {@code graphql-ws}): its handshake state, its operations by id, how many subscriptions it holds
 * (for {@code tidemark.realtime.max-subscriptions-per-connection}), and the frames written to it.
 */
final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class);
    /** RFC 6455 Message Too Big. */
    static final int CLOSE_TOO_BIG = 1009;

    /** One operation id of this connection, from its subscribe message until it completes. */
    static final class Operation {
        /** Set by a client {@code complete} (or the connection closing) while the subscribe may still be executing. */
        volatile boolean cancelled;
        /** Set once the subscriber joined its group. */
        volatile Subscriber subscriber;
        /** The stream of a subscription field not served by the hub, forwarded as SmallRye would. */
        volatile org.reactivestreams.Subscription upstream;
    }

    final ServerWebSocket socket;
    /** True for the legacy {@code graphql-ws} subprotocol (subscriptions-transport-ws), false for {@code graphql-transport-ws}. */
    final boolean legacy;
    final AtomicInteger subscriptions = new AtomicInteger();
    final AtomicBoolean initReceived = new AtomicBoolean();
    volatile boolean acknowledged;
    final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final int bufferLimit;
    long initTimer = -1;
    /** Closes the connection when its token expires. */
    long expiryTimer = -1;
    /** Who the connection acts for, from the token of its {@code connection_init} (or of the upgrade request). */
    volatile Identity identity;
    /** The {@code Authorization} header of the upgrade request, for clients that can set one. */
    String upgradeAuthorization;

    ClientConnection(ServerWebSocket socket, boolean legacy, int bufferLimit) {
        this.socket = socket;
        this.legacy = legacy;
        this.bufferLimit = bufferLimit;
    }

    int bufferLimit() {
        return bufferLimit;
    }

    /** The start of every data frame of operation {@code id}; the payload and a closing brace follow. */
    String nextPrefix(String id) {
        return "{\"id\":" + Json.createValue(id) + ",\"type\":\"" + (legacy ? "data" : "next") + "\",\"payload\":";
    }

    void send(String text) {
        if (!socket.isClosed()) {
            try {
                socket.writeTextMessage(text);
            } catch (IllegalStateException e) {
                LOG.debugf("Socket closed while writing: %s", e.getMessage());
            }
        }
    }

    /** Writes a frame and counts it in {@code pending} until the socket has flushed it. */
    void write(String text, AtomicInteger pending) {
        if (socket.isClosed()) {
            pending.decrementAndGet();
            return;
        }
        try {
            socket.writeTextMessage(text, done -> pending.decrementAndGet());
        } catch (IllegalStateException e) {
            pending.decrementAndGet();
        }
    }

    void sendNext(String id, String payload) {
        send(nextPrefix(id) + payload + "}");
    }

    /** An {@code error} message for one operation: the GraphQL errors (the legacy protocol carries the first only). */
    void sendError(String id, JsonArray errors) {
        Object payload = legacy && !errors.isEmpty() ? errors.get(0) : errors;
        send("{\"id\":" + Json.createValue(id) + ",\"type\":\"error\",\"payload\":" + payload + "}");
    }

    void sendComplete(String id) {
        send("{\"id\":" + Json.createValue(id) + ",\"type\":\"complete\"}");
    }

    void close(int code, String reason) {
        if (!socket.isClosed()) {
            socket.close((short) code, reason);
        }
    }

    /**
     * Vert.x drops a message over {@code quarkus.http.websocket-server.max-message-size} and only
     * reports it here, so the client would wait for an answer forever; and for a frame over
     * {@code max-frame-size} it drops the connection without a close frame. Both are closed here
     * with 1009 (Message Too Big), which tells the client why.
     */
    void failed(Throwable error) {
        String message = String.valueOf(error.getMessage());
        if (error instanceof IllegalStateException && message.contains("max message size")) {
            close(CLOSE_TOO_BIG, "message over quarkus.http.websocket-server.max-message-size");
        } else if (error instanceof CorruptedWebSocketFrameException corrupted) {
            close(corrupted.closeStatus().code(), message.length() > 120 ? message.substring(0, 120) : message); // a close reason fits 123 bytes
        } else {
            LOG.debugf("WebSocket error: %s", error.toString());
        }
    }

    /** Drops operation {@code id} if it is still the one of {@code subscriber}. */
    void forget(String id, Subscriber subscriber) {
        operations.computeIfPresent(id, (k, op) -> op.subscriber == subscriber ? null : op);
    }
}
