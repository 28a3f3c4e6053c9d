package dev.tidemark.sync.realtime.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketInternal;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import dev.tidemark.sync.realtime.hub.EventSink;
import dev.tidemark.sync.realtime.hub.Subscriber;

/**
 * One client WebSocket connection, whatever its {@link WireProtocol}: its handshake state, its
 * operations by id, how many subscriptions it holds (for
 * {@code tidemark.realtime.max-subscriptions-per-connection}), and the frames written to it,
 * through its {@link ConnectionOutbox} (in order, bounded in bytes). It is the {@link EventSink}
 * the hub writes its subscriptions' events to.
 */
public final class ClientConnection implements EventSink {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class);
    /** RFC 6455 Message Too Big. */
    static final int CLOSE_TOO_BIG = 1009;
    /** A WebSocket close reason is at most 123 bytes of UTF-8. */
    private static final int MAX_REASON_BYTES = 123;

    /** One operation id of this connection, from its subscribe message until it completes. */
    static final class Operation {
        /** Set by a client {@code complete} (or the connection closing) while the subscribe may still be executing. */
        volatile boolean cancelled;
        /** Set by the execution of the subscribe once the hub accepted the subscription. */
        volatile Subscriber subscriber;
        /** The stream of a subscription field not served by the hub, forwarded as SmallRye would. */
        volatile org.reactivestreams.Subscription upstream;
    }

    final ServerWebSocket socket;
    /** The connection's Vert.x context: its event loop, where its messages are handled and its frames written. */
    final Context context;
    /** The subprotocol the client chose: how its messages read and its frames are written. */
    final WireProtocol protocol;
    private final AtomicInteger subscriptions = new AtomicInteger();
    final AtomicBoolean initReceived = new AtomicBoolean();
    volatile boolean acknowledged;
    final Map<String, Operation> operations = new ConcurrentHashMap<>();
    /**
     * Legacy {@code start}/{@code stop} messages received while the token of {@code connection_init}
     * is being verified: subscriptions-transport-ws sends them right after the init, without waiting
     * for the ack. Handled once acknowledged; only touched on the event loop.
     */
    final List<JsonObject> beforeAck = new ArrayList<>();
    private final ConnectionOutbox outbox;
    private final LimitRefusals refusals;
    /** Its subscribe messages not yet executed, and how many execute now. */
    final OperationQueue queue;
    private volatile boolean ended;
    long initTimer = -1;
    /** Closes the connection when its token expires. */
    long expiryTimer = -1;
    /** Who the connection acts for, from the token of its {@code connection_init} (or of the upgrade request). */
    volatile Identity identity;
    /** The {@code Authorization} header of the upgrade request, for clients that can set one. */
    String upgradeAuthorization;
    /** The address the client is limited by, as the upgrade request gave it. */
    String clientAddress;

    /**
     * @param maxQueuedBytes {@code tidemark.realtime.max-queued-bytes-per-connection}
     * @param overflow called once, on the event loop, when the bound is exceeded
     * @param queue its operations waiting to run
     * @param refusals where the limits it applies itself (subscriptions, message and frame size) count their refusals
     */
    ClientConnection(ServerWebSocket socket, WireProtocol protocol, Context context, long maxQueuedBytes,
            Consumer<ClientConnection> overflow, OperationQueue queue, LimitRefusals refusals) {
        this.socket = socket;
        this.protocol = protocol;
        this.context = context;
        this.outbox = new ConnectionOutbox(socket, context, maxQueuedBytes, () -> overflow.accept(this));
        this.queue = queue;
        this.refusals = refusals;
    }

    /** Bytes written to this connection and not yet taken by the network. */
    long queuedBytes() {
        return outbox.queuedBytes();
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public String nextPrefix(String id) {
        return "{\"id\":" + Json.createValue(id) + ",\"type\":\"" + protocol.dataType() + "\",\"payload\":";
    }

    /** Queues a frame; false if the connection is closed or over its byte bound (it is then being closed). */
    @Override
    public boolean send(String text) {
        return outbox.offer(text);
    }

    @Override
    public boolean takeSubscription(int max) {
        if (subscriptions.incrementAndGet() > max) {
            subscriptions.decrementAndGet();
            refusals.refused(Limit.MAX_SUBSCRIPTIONS_PER_CONNECTION, Transport.WEBSOCKET);
            return false;
        }
        return true;
    }

    @Override
    public void releaseSubscription() {
        subscriptions.decrementAndGet();
    }

    @Override
    public void fail(String id, String code, String message) {
        operations.remove(id);
        sendError(id, code, message, Json.createObjectBuilder());
    }

    /** An {@code error} for operation {@code id}, refused for the client's rate: try again after {@code retryAfterSeconds}. */
    void rateLimited(String id, String message, long retryAfterSeconds) {
        sendError(id, "RATE_LIMITED", message, Json.createObjectBuilder().add("retryAfterSeconds", retryAfterSeconds));
    }

    /** An {@code error} message with one GraphQL error: {@code message}, and {@code extensions} with its {@code code}. */
    private void sendError(String id, String code, String message, jakarta.json.JsonObjectBuilder extensions) {
        sendError(id, Json.createArrayBuilder().add(Json.createObjectBuilder().add("message", message)
                .add("extensions", Json.createObjectBuilder().add("code", code).addAll(extensions))).build());
    }

    void sendNext(String id, String payload) {
        send(nextPrefix(id) + payload + "}");
    }

    /** An {@code error} message for one operation: the GraphQL errors, as the protocol carries them. */
    void sendError(String id, JsonArray errors) {
        Object payload = protocol.errorPayload(errors);
        send("{\"id\":" + Json.createValue(id) + ",\"type\":\"error\",\"payload\":" + payload + "}");
    }

    void sendComplete(String id) {
        send("{\"id\":" + Json.createValue(id) + ",\"type\":\"complete\"}");
    }

    /** Sends a close frame; frames still waiting are dropped. {@code reason} is cut to the 123 bytes a close frame holds. */
    public void close(int code, String reason) {
        outbox.close();
        if (!socket.isClosed()) {
            socket.close((short) code, fit(reason));
        }
    }

    /**
     * Closes the TCP connection at once if the socket has not closed yet (a client that reads nothing
     * never takes the close frame, and Vert.x waits for that frame to be written before it starts
     * its own closing timeout). Netty then releases the buffers it still holds for it.
     */
    void drop() {
        if (!ended && socket instanceof WebSocketInternal internal) {
            internal.channelHandlerContext().channel().close();
        }
    }

    /** The socket closed (by either side): frames still waiting are dropped. */
    void closed() {
        ended = true;
        outbox.close();
    }

    /**
     * Vert.x drops a message over {@code quarkus.http.websocket-server.max-message-size} and only
     * reports it here, so the client would wait for an answer forever; and for a frame over
     * {@code max-frame-size} it drops the connection without a close frame. Both are closed here
     * with 1009 (Message Too Big), which tells the client why. Netty's own text stays in the log.
     */
    void failed(Throwable error) {
        String message = String.valueOf(error.getMessage());
        if (error instanceof IllegalStateException && message.contains("max message size")) {
            refusals.refused(Limit.MAX_MESSAGE_SIZE, Transport.WEBSOCKET);
            close(CLOSE_TOO_BIG, "message over quarkus.http.websocket-server.max-message-size");
        } else if (error instanceof CorruptedWebSocketFrameException corrupted) {
            LOG.debugf("Invalid WebSocket frame: %s", message);
            WebSocketCloseStatus status = corrupted.closeStatus();
            if (status.code() == CLOSE_TOO_BIG) {
                refusals.refused(Limit.MAX_FRAME_SIZE, Transport.WEBSOCKET);
            }
            close(status.code(), status.code() == CLOSE_TOO_BIG ? "frame over quarkus.http.websocket-server.max-frame-size"
                    : "invalid WebSocket frame");
        } else {
            LOG.debugf("WebSocket error: %s", error.toString());
        }
    }

    /** {@code reason} cut to what a close frame holds (it may echo a client's text). */
    static String fit(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        StringBuilder cut = new StringBuilder();
        int bytes = 3; // the "..." appended
        for (int i = 0; i < reason.length(); ) {
            int codePoint = reason.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_REASON_BYTES) {
                break;
            }
            cut.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return cut.append("...").toString();
    }
}
