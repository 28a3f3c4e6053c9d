package dev.tidemark.sync.realtime;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One client WebSocket connection, as seen by the subscriptions made over it: how many it holds
 * (for {@code tidemark.realtime.max-subscriptions-per-connection}) and how to close it with a code.
 */
final class ClientConnection {

    final HttpConnection http;
    final AtomicInteger subscriptions = new AtomicInteger();

    ClientConnection(HttpConnection http) {
        this.http = http;
    }

    /**
     * Sends a WebSocket close frame with {@code code} and closes the connection. SmallRye GraphQL
     * owns the {@code ServerWebSocket} and does not expose it, so the frame is written on the
     * connection's channel, below Vert.x's WebSocket object (same wire result).
     */
    void close(int code, String reason) {
        if (http instanceof ConnectionBase base && base.channel().isActive()) {
            base.channel().writeAndFlush(new CloseWebSocketFrame(code, reason))
                    .addListener(f -> base.channel().close());
        } else {
            http.close();
        }
    }
}
