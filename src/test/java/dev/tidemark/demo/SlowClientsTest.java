package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Bystander;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.RawHttp;
import dev.tidemark.support.RawWebSocket;
import dev.tidemark.sync.limits.SlowClientGuard;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Slow and silent clients (slowloris) against the real server, with raw sockets, each test from
 * loopback addresses of its own: a head sent a byte at a time, a body sent a byte at a time, a TCP
 * connection that sends nothing, a kept-alive connection left idle, a WebSocket that never sends
 * {@code connection_init}, a client address over its connection limit, and 300 of them at once
 * while another client is served. Deadlines are small here (1 s for a head, 2 s for a body); each
 * connection must be cut off after its deadline and well before the slack of a loaded machine.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.SmallDeadlines.class)
class SlowClientsTest {

    static final long HEADER_MILLIS = 1000;
    static final long BODY_MILLIS = 2000;
    static final long KEEP_ALIVE_MILLIS = 1000;
    static final int PER_CLIENT = 50;
    /** How late a cut-off may come on a machine shared with other builds. */
    static final long SLACK_MILLIS = 3000;
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

    public static class SmallDeadlines implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tidemark.limits.request-header-timeout", HEADER_MILLIS + "ms",
                    "tidemark.limits.request-body-timeout", BODY_MILLIS + "ms",
                    "tidemark.limits.keep-alive-timeout", KEEP_ALIVE_MILLIS + "ms",
                    "tidemark.limits.max-connections-per-client", Integer.toString(PER_CLIENT),
                    "tidemark.realtime.connection-init-timeout", "1s");
        }
    }

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    SlowClientGuard guard;

    private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
    private final List<RawHttp> sockets = new ArrayList<>();

    @BeforeEach
    void installed() {
        assertTrue(guard.install(), "the guard is on the HTTP server's listening socket");
    }

    @AfterEach
    void closeAll() {
        trickle.shutdownNow();
        sockets.forEach(RawHttp::close);
    }

    /** A loopback address no other test uses: 127.0.0.2, 127.0.0.3, ... */
    static String ownAddress() {
        return "127.0.0." + ADDRESSES.incrementAndGet();
    }

    private RawHttp connect(String address) {
        RawHttp socket = RawHttp.connect(address, graphql);
        sockets.add(socket);
        return socket;
    }

    /** Sends {@code head} (an unfinished request line and headers) then one more header byte every 200 ms, for ever. */
    private RawHttp slowHead(String address) {
        RawHttp socket = connect(address);
        socket.send("POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        trickle.scheduleAtFixedRate(() -> socket.send("a"), 200, 200, TimeUnit.MILLISECONDS);
        return socket;
    }

    /** Sends a complete head announcing 1000 bytes, 10 of them, then one more every 200 ms. */
    private RawHttp slowBody(String address) {
        RawHttp socket = connect(address);
        socket.send("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":");
        trickle.scheduleAtFixedRate(() -> socket.send(" "), 200, 200, TimeUnit.MILLISECONDS);
        return socket;
    }

    private static long cutAfter(long start, RawHttp.Ending ending, long deadline, String what) {
        assertNotNull(ending, what + ": still open " + (deadline + SLACK_MILLIS) + " ms later");
        long millis = (ending.closedAtNanos() - start) / 1_000_000;
        assertTrue(millis >= deadline - 100 && millis <= deadline + SLACK_MILLIS, what + ": closed after " + millis + " ms");
        return millis;
    }

    @Test
    void shouldAnswer408AndCloseAHeadSentAByteAtATime() {
        long start = System.nanoTime();
        RawHttp socket = slowHead(ownAddress());
        RawHttp.Ending ending = socket.awaitClose((int) (HEADER_MILLIS + SLACK_MILLIS));
        long millis = cutAfter(start, ending, HEADER_MILLIS, "a slow head");
        assertTrue(ending.received().startsWith("HTTP/1.1 408 Request Timeout\r\n"), ending.received());
        System.out.printf("slow head: 408 and closed after %d ms%n", millis);
    }

    @Test
    void shouldAnswer408AndCloseABodySentAByteAtATime() {
        long start = System.nanoTime();
        RawHttp socket = slowBody(ownAddress());
        RawHttp.Ending ending = socket.awaitClose((int) (BODY_MILLIS + SLACK_MILLIS));
        long millis = cutAfter(start, ending, BODY_MILLIS, "a slow body");
        assertTrue(ending.received().startsWith("HTTP/1.1 408 Request Timeout\r\n"), ending.received());
        assertTrue(ending.received().contains("\"code\":\"REQUEST_TIMEOUT\""), ending.received());
        System.out.printf("slow body: 408 and closed after %d ms%n", millis);
    }

    @Test
    void shouldCloseASilentConnection() {
        long start = System.nanoTime();
        RawHttp socket = connect(ownAddress());
        RawHttp.Ending ending = socket.awaitClose((int) (HEADER_MILLIS + SLACK_MILLIS));
        cutAfter(start, ending, HEADER_MILLIS, "a silent connection");
        assertEquals("", ending.received(), "nothing was asked, nothing is answered");
    }

    @Test
    void shouldKeepAConnectionAliveBetweenRequestsThenCloseItIdle() {
        RawHttp socket = connect(ownAddress());
        String request = "GET /graphql/schema.graphql HTTP/1.1\r\nHost: localhost\r\n\r\n";
        for (int i = 0; i < 3; i++) { // kept alive: each request on the same connection, each within the deadlines
            socket.send(request);
            assertTrue(socket.readResponse().startsWith("HTTP/1.1 200"));
        }
        long start = System.nanoTime();
        cutAfter(start, socket.awaitClose((int) (KEEP_ALIVE_MILLIS + SLACK_MILLIS)), KEEP_ALIVE_MILLIS, "an idle connection");

        RawHttp second = connect(ownAddress()); // a slow head after a first request gets its own deadline
        second.send(request);
        assertTrue(second.readResponse().startsWith("HTTP/1.1 200"));
        second.send("GET /graphql/schema.graphql HTTP/1.1\r\nX-Slow: ");
        start = System.nanoTime();
        trickle.scheduleAtFixedRate(() -> second.send("a"), 200, 200, TimeUnit.MILLISECONDS);
        RawHttp.Ending ending = second.awaitClose((int) (HEADER_MILLIS + SLACK_MILLIS));
        cutAfter(start, ending, HEADER_MILLIS, "a slow second head");
        assertTrue(ending.received().startsWith("HTTP/1.1 408"), ending.received());
    }

    @Test
    void shouldCloseAWebSocketThatSendsNoConnectionInitWith4408() {
        long start = System.nanoTime();
        try (RawWebSocket ws = RawWebSocket.open(graphql, "graphql-transport-ws", 65536)) {
            ws.setReadTimeout((int) (1000 + SLACK_MILLIS));
            RawWebSocket.Frame close = ws.read();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(close, "a close frame, not a dropped connection");
            assertEquals(RawWebSocket.Frame.CLOSE, close.opcode());
            assertEquals(4408, close.closeCode(), close.closeReason());
            assertTrue(millis >= 900 && millis <= 1000 + SLACK_MILLIS, "closed after " + millis + " ms");
        }
    }

    @Test
    void shouldLeaveAnInitialisedWebSocketOpenPastEveryHttpDeadline() throws InterruptedException {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            Thread.sleep(BODY_MILLIS + HEADER_MILLIS + KEEP_ALIVE_MILLIS);
            ws.send("{\"type\":\"ping\"}");
            assertEquals("pong", ws.control().getString("type"));
        }
    }

    @Test
    void shouldRefuseConnectionsOverThePerClientLimitAtOnce() {
        String address = ownAddress();
        for (int i = 0; i < PER_CLIENT; i++) {
            slowHead(address);
        }
        long refusedBefore = guard.refusedConnections();
        RawHttp over = connect(address);
        RawHttp.Ending ending = over.awaitClose((int) HEADER_MILLIS * 10);
        assertNotNull(ending, "the connection over the limit is closed");
        assertEquals("", ending.received());
        assertEquals(refusedBefore + 1, guard.refusedConnections(), "closed for being over the limit, not by a deadline");
        RawHttp other = connect(ownAddress()); // another address is served meanwhile
        other.send("GET /graphql/schema.graphql HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(other.readResponse().startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldServeAnotherClientWhile300SlowConnectionsAreCutOff() throws InterruptedException {
        List<RawHttp> hostile = new ArrayList<>();
        long start;
        try (Bystander warmUp = Bystander.start(graphql, "the warm-up")) { // the first query of a fresh server is slow
            Thread.sleep(500);
        }
        try (Bystander bystander = Bystander.start(graphql, "300 slow connections")) {
            start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                String address = "127.0.1." + (1 + i / 40); // 40 per address, under the per-client limit
                hostile.add(switch (i % 3) {
                    case 0 -> connect(address);
                    case 1 -> slowHead(address);
                    default -> slowBody(address);
                });
            }
            Thread.sleep(BODY_MILLIS);
        }
        int cut = 0;
        for (RawHttp socket : hostile) {
            long left = BODY_MILLIS + SLACK_MILLIS - (System.nanoTime() - start) / 1_000_000;
            if (socket.awaitClose((int) Math.max(50, left)) != null) {
                cut++;
            }
        }
        System.out.printf("300 slow connections: %d cut off within %d ms%n", cut, BODY_MILLIS + SLACK_MILLIS);
        assertEquals(300, cut, "every slow connection is cut off by its deadline");
    }
}
