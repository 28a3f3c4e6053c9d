package dev.tidemark.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * A real WebSocket client speaking {@code graphql-transport-ws} (the protocol of the npm
 * {@code graphql-ws} library), built on {@code java.net.http.WebSocket}. Messages are queued per
 * operation id so a test reads the events of each subscription in order.
 */
public final class GraphQLWs implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, LinkedBlockingQueue<JsonObject>> byId = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<JsonObject> control = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason;
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private GraphQLWs() {
    }

    /** Opens a connection to {@code http://host:port/graphql} (as ws://) and completes the init handshake as an admin. */
    public static GraphQLWs connect(URI graphqlHttpUri) {
        return connect(graphqlHttpUri, Tokens.admin(graphqlHttpUri.resolve("/")));
    }

    /** Opens a connection and completes the init handshake with {@code token} in the {@code connection_init} payload. */
    public static GraphQLWs connect(URI graphqlHttpUri, String token) {
        GraphQLWs client = open(graphqlHttpUri);
        client.send(initMessage(token));
        JsonObject ack = client.control();
        assertEquals("connection_ack", ack.getString("type"), () -> "expected connection_ack, got " + ack);
        return client;
    }

    /** A {@code connection_init} message carrying {@code token} as the web client sends it. */
    public static String initMessage(String token) {
        return Json.createObjectBuilder().add("type", "connection_init").add("payload",
                Json.createObjectBuilder().add("Authorization", "Bearer " + token)).build().toString();
    }

    /** Opens the socket without the init handshake. */
    public static GraphQLWs open(URI graphqlHttpUri) {
        return open(graphqlHttpUri, "graphql-transport-ws");
    }

    /** Opens the socket asking for {@code subprotocol} (e.g. the legacy {@code graphql-ws}), without the init handshake. */
    public static GraphQLWs open(URI graphqlHttpUri, String subprotocol) {
        return open(graphqlHttpUri, subprotocol, new String[0]);
    }

    /** Opens the socket and completes the init handshake, sending extra upgrade request headers (name/value pairs, e.g. X-Forwarded-For). */
    public static GraphQLWs connectWithHeaders(URI graphqlHttpUri, String... headers) {
        GraphQLWs client = open(graphqlHttpUri, "graphql-transport-ws", headers);
        client.send(initMessage(Tokens.admin(graphqlHttpUri.resolve("/"))));
        JsonObject ack = client.control();
        assertEquals("connection_ack", ack.getString("type"), () -> "expected connection_ack, got " + ack);
        return client;
    }

    /** Asks for an upgrade the server must refuse, and returns the HTTP response it answered instead (status, headers). */
    public static HttpResponse<?> refusedUpgrade(URI graphqlHttpUri, String... headers) {
        try {
            GraphQLWs unexpected = open(graphqlHttpUri, "graphql-transport-ws", headers);
            unexpected.close();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw e;
        }
        throw new AssertionError("the WebSocket upgrade was accepted");
    }

    private static GraphQLWs open(URI graphqlHttpUri, String subprotocol, String... headers) {
        GraphQLWs client = new GraphQLWs();
        URI ws = URI.create(graphqlHttpUri.toString().replaceFirst("^http", "ws"));
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(subprotocol);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(ws, client.new Listener()).join();
        return client;
    }

    /** The subprotocol the server chose. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends a message of {@code type} with operation {@code id} and a {@code {query, variables}} payload (e.g. the legacy {@code start}). */
    public void send(String type, String id, String document, Object... variables) {
        byId.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
        send(Json.createObjectBuilder()
                .add("id", id).add("type", type)
                .add("payload", Json.createObjectBuilder()
                        .add("query", document)
                        .add("variables", GraphQL.toJson(GraphQL.vars(variables))))
                .build().toString());
    }

    /** Sends a subscribe message and returns its operation id. Variables are name/value pairs. */
    public String subscribe(String document, Object... variables) {
        String id = "op" + ids.incrementAndGet();
        byId.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
        JsonObject message = Json.createObjectBuilder()
                .add("id", id).add("type", "subscribe")
                .add("payload", Json.createObjectBuilder()
                        .add("query", document)
                        .add("variables", GraphQL.toJson(GraphQL.vars(variables))))
                .build();
        send(message.toString());
        return id;
    }

    /** Subscribes and waits for the READY event, after which every committed change is delivered. */
    public String subscribeReady(String document, Object... variables) {
        String id = subscribe(document, variables);
        JsonObject ready = event(id);
        assertEquals("READY", ready.getString("operation"), () -> "expected READY, got " + ready);
        return id;
    }

    public void complete(String id) {
        send("{\"id\":\"" + id + "\",\"type\":\"complete\"}");
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The first GraphQL error of an {@code error} message (asserting it is one). */
    public static JsonObject firstError(JsonObject errorMessage) {
        assertEquals("error", errorMessage.getString("type"), errorMessage::toString);
        return errorMessage.getJsonArray("payload").getJsonObject(0);
    }

    /** The next message of operation {@code id}, whatever its type. */
    public JsonObject message(String id) {
        return poll(byId.computeIfAbsent(id, k -> new LinkedBlockingQueue<>()), TIMEOUT, "message for " + id);
    }

    /** The next {@code next} message of {@code id}, unwrapped to the event (the subscription field's value). */
    public JsonObject event(String id) {
        JsonObject message = message(id);
        assertEquals("next", message.getString("type"), () -> "expected next, got " + message);
        JsonObject payload = message.getJsonObject("payload");
        assertNull(payload.get("errors"), () -> "unexpected errors: " + payload);
        JsonObject data = payload.getJsonObject("data");
        return data.getJsonObject(data.keySet().iterator().next());
    }

    /** Asserts that operation {@code id} receives nothing for {@code quiet}. */
    public void expectNothing(String id, Duration quiet) {
        JsonObject message = pollOrNull(byId.computeIfAbsent(id, k -> new LinkedBlockingQueue<>()), quiet);
        assertNull(message, () -> "expected no message for " + id + ", got " + message);
    }

    /** The next message of operation {@code id} within {@code wait}, or null (no assertion). */
    public JsonObject messageOrNull(String id, Duration wait) {
        return pollOrNull(byId.computeIfAbsent(id, k -> new LinkedBlockingQueue<>()), wait);
    }

    public JsonObject control() {
        return poll(control, TIMEOUT, "control message");
    }

    /** The close code the server sent, waiting up to the timeout. */
    public int closeCode() {
        try {
            return closeCode.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed by the server within " + TIMEOUT, e);
        }
    }

    /** The reason of the server's close frame, after {@link #closeCode()}. */
    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private static JsonObject poll(LinkedBlockingQueue<JsonObject> queue, Duration timeout, String what) {
        JsonObject message = pollOrNull(queue, timeout);
        assertNotNull(message, () -> "no " + what + " within " + timeout);
        return message;
    }

    private static JsonObject pollOrNull(LinkedBlockingQueue<JsonObject> queue, Duration timeout) {
        try {
            return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void dispatch(String text) {
        JsonObject message;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            message = reader.readObject();
        }
        String type = message.getString("type", "");
        if ("ping".equals(type)) {
            send("{\"type\":\"pong\"}");
        } else if (message.containsKey("id")) {
            byId.computeIfAbsent(message.getString("id"), k -> new LinkedBlockingQueue<>()).add(message);
        } else {
            control.add(message);
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
