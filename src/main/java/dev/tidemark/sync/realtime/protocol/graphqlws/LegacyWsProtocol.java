package dev.tidemark.sync.realtime.protocol.graphqlws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import dev.tidemark.sync.realtime.protocol.ClientConnection;
import dev.tidemark.sync.realtime.protocol.WireProtocol;

/**
 * The legacy {@code graphql-ws} protocol (subscriptions-transport-ws, Apollo's WebSocketLink):
 * {@code start}/{@code stop}, data as {@code data}, an error as its first GraphQL error, and
 * {@code connection_terminate}. Its clients send {@code start} right after {@code connection_init}
 * without waiting for the ack, as that protocol allows: those are held until the token is verified
 * ({@link dev.tidemark.sync.realtime.protocol.ConnectionInit#deferred}), then handled in order
 * (pipelining); a {@code start} with no init at all is closed with 4429.
 */
@ApplicationScoped
public class LegacyWsProtocol extends WireProtocol {

    @Override
    public String name() {
        return "graphql-ws";
    }

    @Override
    public void onMessage(ClientConnection connection, String type, JsonObject message) {
        if (("start".equals(type) || "stop".equals(type)) && handshake.deferred(connection, message)) {
            return;
        }
        switch (type) {
            case "connection_init" -> handshake.init(connection, message);
            case "start" -> subscribe(connection, message);
            case "stop" -> complete(connection, message);
            case "connection_terminate" -> connection.close(1000, "");
            default -> unexpected(connection, type);
        }
    }

    @Override
    protected String dataType() {
        return "data";
    }

    @Override
    protected Object errorPayload(JsonArray errors) {
        return errors.isEmpty() ? errors : errors.get(0);
    }

    @Override
    protected void notAcknowledged(ClientConnection connection) {
        connection.close(4429, "Connection not initialized");
    }
}
