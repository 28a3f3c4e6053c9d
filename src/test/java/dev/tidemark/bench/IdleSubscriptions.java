package dev.tidemark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;

import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;

/**
 * The idle shape of {@link RealtimeBenchmark} ({@code -Dbench.shape=idle}): N subscriptions held
 * open on one instance over real {@code graphql-transport-ws} connections (500 per connection),
 * half on distinct scopes, half on one shared scope. Prints the heap each half added (used heap
 * after GC, server and clients in one JVM, so an upper bound) and the total.
 */
final class IdleSubscriptions {

    private IdleSubscriptions() {
    }

    static void measure(URI graphql, int subscriptions, int perConnection) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
        List<WebSocket> sockets = new ArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        int half = subscriptions / 2;
        long start = System.nanoTime();
        long base = usedHeap();
        subscribe(http, graphql, sockets, errors, 0, half, perConnection, i -> "{name: {startsWith: \"idle-" + i + "-\"}}");
        long distinct = usedHeap();
        subscribe(http, graphql, sockets, errors, half, subscriptions, perConnection, i -> "{name: {startsWith: \"idle-shared-\"}}");
        long shared = usedHeap();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%nBENCH idle: %d subscriptions on %d connections (%d per connection), subscribed and READY in %.1f s%n"
                + "  distinct scopes: %d subscriptions, heap +%.1f MiB, %d bytes per subscription%n"
                + "  one shared scope: %d subscriptions, heap +%.1f MiB, %d bytes per subscription%n"
                + "  total: heap +%.1f MiB for %d subscriptions (%d bytes each); used heap now %.1f MiB (server+client, one JVM)%n",
                subscriptions, sockets.size(), perConnection, seconds,
                half, (distinct - base) / 1048576.0, (distinct - base) / Math.max(1, half),
                subscriptions - half, (shared - distinct) / 1048576.0, (shared - distinct) / Math.max(1, subscriptions - half),
                (shared - base) / 1048576.0, subscriptions, (shared - base) / subscriptions, shared / 1048576.0);
        for (WebSocket socket : sockets) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
        Thread.sleep(2000);
    }

    interface Scope {
        String where(int subscription);
    }

    private static void subscribe(HttpClient http, URI graphql, List<WebSocket> sockets, List<String> errors, int from, int to,
            int perConnection, Scope scope) throws Exception {
        CountDownLatch ready = new CountDownLatch(to - from);
        String init = GraphQLWs.initMessage(Tokens.admin()); // signed before connecting: the server waits 3 s for the init
        for (int c = from; c < to; c += perConnection) {
            Listener listener = new Listener(ready, errors);
            WebSocket socket = http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
                    .buildAsync(URI.create(graphql.toString().replaceFirst("^http", "ws")), listener).join();
            socket.sendText(init, true).join();
            if (!listener.acknowledged.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no connection_ack within 30 s");
            }
            for (int i = c; i < Math.min(to, c + perConnection); i++) {
                String query = "subscription { userChanged(where: " + scope.where(i) + ") { operation uid version row { uid name version } } }";
                socket.sendText("{\"id\":\"s" + i + "\",\"type\":\"subscribe\",\"payload\":{\"query\":" + Json.createValue(query) + "}}",
                        true).join();
            }
            sockets.add(socket);
        }
        if (!ready.await(600, TimeUnit.SECONDS) || !errors.isEmpty()) {
            throw new IllegalStateException((to - from - ready.getCount()) + " of " + (to - from)
                    + " subscriptions answered; errors: " + errors.stream().limit(3).toList());
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static final class Listener implements WebSocket.Listener {
        private final CountDownLatch ready;
        private final List<String> errors;
        final CountDownLatch acknowledged = new CountDownLatch(1);
        private final StringBuilder partial = new StringBuilder();

        Listener(CountDownLatch ready, List<String> errors) {
            this.ready = ready;
            this.errors = errors;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            if (ready.getCount() > 0) {
                errors.add("closed " + code + " " + reason);
                while (ready.getCount() > 0) {
                    ready.countDown();
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                if (message.contains("\"connection_ack\"")) {
                    acknowledged.countDown();
                } else if (message.contains("\"READY\"")) {
                    ready.countDown();
                } else if (message.contains("\"type\":\"error\"")) {
                    errors.add(message);
                    ready.countDown();
                } else if (message.contains("\"ping\"")) {
                    socket.sendText("{\"type\":\"pong\"}", true);
                }
            }
            socket.request(1);
            return null;
        }
    }
}
