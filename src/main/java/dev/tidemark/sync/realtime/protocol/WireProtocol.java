package dev.tidemark.sync.realtime.protocol;

import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import dev.tidemark.sync.limits.AddressBuckets;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import dev.tidemark.sync.realtime.hub.Subscriber;

/**
 * One GraphQL-over-WebSocket subprotocol: how its messages are read and its data and error frames
 * written. The parts both protocols share are here: starting an operation (after the ack, with a
 * payload, under an id not in use) and ending one.
 */
public abstract class WireProtocol {

    @Inject
    protected OperationRunner runner;

    @Inject
    protected ConnectionInit handshake;

    @Inject
    protected AddressBuckets buckets;

    @Inject
    protected LimitRefusals refusals;

    /** The subprotocol name the client offers in {@code Sec-WebSocket-Protocol}. */
    public abstract String name();

    /** Handles one message of {@code type} (the connection is this protocol's), on the connection's event loop. */
    public abstract void onMessage(ClientConnection connection, String type, JsonObject message);

    /** The {@code type} of a data message: {@code next} or {@code data}. */
    protected abstract String dataType();

    /** The payload of an {@code error} message carrying {@code errors}. */
    protected abstract Object errorPayload(JsonArray errors);

    /** Closes a connection that started an operation before {@code connection_ack}. */
    protected abstract void notAcknowledged(ClientConnection connection);

    /** Starts the operation of a {@code subscribe} (or legacy {@code start}) message. */
    protected void subscribe(ClientConnection connection, JsonObject message) {
        if (!connection.acknowledged) {
            notAcknowledged(connection);
            return;
        }
        String id = string(message, "id");
        if (id == null || id.isEmpty() || !(message.get("payload") instanceof JsonObject payload)) {
            connection.close(4400, "Invalid message received: subscribe needs an id and a payload object");
            return;
        }
        if (connection.operations.containsKey(id)) {
            connection.close(4409, "Subscriber for " + quote(id) + " already exists");
            return;
        }
        long retryAfter = buckets.takeRequest(connection.clientAddress);
        if (retryAfter > 0) {
            refusals.refused(Limit.REQUESTS_PER_MINUTE, Transport.WEBSOCKET);
            connection.rateLimited(id, "too many requests from " + connection.clientAddress + ": over "
                    + "tidemark.limits.requests-per-minute, which counts the operations sent over WebSockets too; retry after "
                    + retryAfter + " s", retryAfter);
            return;
        }
        ClientConnection.Operation operation = new ClientConnection.Operation();
        connection.operations.put(id, operation);
        runner.run(connection, id, payload, operation);
    }

    /** Ends the operation of a {@code complete} (or legacy {@code stop}) message. */
    protected void complete(ClientConnection connection, JsonObject message) {
        String id = string(message, "id");
        if (id == null) {
            connection.close(4400, "Invalid message received: complete needs an id");
            return;
        }
        runner.cancel(connection.operations.remove(id));
    }

    /** Closes the connection for a message type this protocol does not have (at this point). */
    protected static void unexpected(ClientConnection connection, String type) {
        connection.close(4400, "Unexpected message of type " + quote(type) + " received");
    }

    static String string(JsonObject message, String key) {
        return message.get(key) instanceof JsonString value ? value.getString() : null;
    }

    /** A client's own text (a message type, an operation id) as a close reason quotes it: short, whatever was sent. */
    static String quote(String text) {
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
