package dev.tidemark.sync.realtime.protocol.graphqltransportws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import dev.tidemark.sync.realtime.protocol.ClientConnection;
import dev.tidemark.sync.realtime.protocol.WireProtocol;

/**
 * The {@code graphql-transport-ws} protocol (enisdenjo/graphql-ws, PROTOCOL.md): {@code ping}/{@code
 * pong} both ways, {@code subscribe} only after {@code connection_ack} (4401 otherwise), data as
 * {@code next}, errors as the list of GraphQL errors.
 */
@ApplicationScoped
public class TransportWsProtocol extends WireProtocol {

    @Override
    public String name() {
        return "graphql-transport-ws";
    }

    @Override
    public void onMessage(ClientConnection connection, String type, JsonObject message) {
        switch (type) {
            case "connection_init" -> handshake.init(connection, message);
            case "ping" -> connection.send("{\"type\":\"pong\"}");
            case "pong" -> {
                // a reply to nothing we sent, or a unidirectional heartbeat: nothing to do
            }
            case "subscribe" -> subscribe(connection, message);
            case "complete" -> complete(connection, message);
            default -> unexpected(connection, type);
        }
    }

    @Override
    protected String dataType() {
        return "next";
    }

    @Override
    protected Object errorPayload(JsonArray errors) {
        return errors;
    }

    @Override
    protected void notAcknowledged(ClientConnection connection) {
        connection.close(4401, "Unauthorized");
    }
}
