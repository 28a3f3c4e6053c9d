package dev.tidemark.sync.realtime;

import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * One live subscription: where its events go, and the WebSocket connection it belongs to.
 *
 * @param emitter the subscription's event stream
 * @param connection the client connection (for per-connection limits and shutdown), or null if unknown
 */
record Subscriber(MultiEmitter<? super ChangeEvent<?>> emitter, ClientConnection connection) {
}
