package dev.tidemark.sync.realtime;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.WebSocketBase;

/**
 * One client WebSocket connection, as seen by the subscriptions made over it: how many it holds
 * (for {@code tidemark.realtime.max-subscriptions-per-connection}) and how to close it with a code.
 */
final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class);

    final HttpConnection http;
    final AtomicInteger subscriptions = new AtomicInteger();

    ClientConnection(HttpConnection http) {
        this.http = http;
    }

    /**
     * Closes the WebSocket with {@code code}. SmallRye GraphQL owns the {@code ServerWebSocket} and
     * does not expose it, so it is read from the Vert.x HTTP/1.1 connection it was upgraded from
     * (the {@code webSocket} field of Vert.x 4's {@code Http1xConnectionBase}); if that ever
     * changes, the connection is closed without a code and clients still reconnect.
     */
    void close(int code, String reason) {
        WebSocketBase socket = webSocket();
        if (socket != null) {
            socket.close((short) code, reason);
        } else {
            LOG.debugf("No WebSocket found on %s; closing the connection without a close code", http.getClass().getName());
            http.close();
        }
    }

    private WebSocketBase webSocket() {
        for (Class<?> type = http.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField("webSocket");
                field.setAccessible(true);
                return field.get(http) instanceof WebSocketBase socket ? socket : null;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
