package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * {@link RequestAdmission} on a real Vert.x HTTP server: requests over the running limit wait in
 * turn and are all answered; over the queue's size or its timeout they get 503 SERVICE_UNAVAILABLE
 * with Retry-After; never more run at once than the limit.
 */
class RequestAdmissionTest {

    Vertx vertx;
    HttpServer server;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostRunning = new AtomicInteger();
    final List<String> order = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    void start(RequestAdmission admission, long workMillis) throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route("/graphql").handler(admission).handler(context -> {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            order.add(context.request().getHeader("X-Client"));
            // the work, as on a worker thread: the event loop stays free
            // as the frameworks after it do (Quarkus and SmallRye set the response's own end handler)
            context.response().endHandler(v -> { });
            vertx.setTimer(workMillis, id -> {
                running.decrementAndGet();
                context.response().end("{\"data\":{}}");
            });
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    CompletableFuture<HttpResponse<String>> send(int client) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.actualPort() + "/graphql"))
                .header("X-Client", String.valueOf(client)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerAStormOverTheLimitInTurnWithNeverMoreRunningThanTheLimit() throws Exception {
        start(new RequestAdmission(3, 100, 30_000, 5, new LimitRefusals(new SimpleMeterRegistry())), 50);
        List<CompletableFuture<HttpResponse<String>>> storm = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            storm.add(send(i));
        }
        for (CompletableFuture<HttpResponse<String>> answer : storm) {
            assertEquals(200, answer.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(40, order.size());
        assertTrue(mostRunning.get() <= 3, "at most 3 ran at once, not " + mostRunning.get());
    }

    @Test
    void shouldRefuseWith503AndRetryAfterWhenTheQueueIsFullOrTheWaitTooLong() throws Exception {
        start(new RequestAdmission(1, 1, 300, 7, new LimitRefusals(new SimpleMeterRegistry())), 1000);
        CompletableFuture<HttpResponse<String>> first = send(1);
        awaitRunning(1);
        CompletableFuture<HttpResponse<String>> waiting = send(2);
        Thread.sleep(100);
        HttpResponse<String> full = send(3).get(10, TimeUnit.SECONDS);
        assertEquals(503, full.statusCode());
        assertEquals("7", full.headers().firstValue("Retry-After").orElse(null));
        assertTrue(full.body().contains("\"code\":\"SERVICE_UNAVAILABLE\"") && full.body().contains("\"retryAfterSeconds\":7")
                && full.body().contains("tidemark.limits.max-queued-requests"), full.body());
        HttpResponse<String> timedOut = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(503, timedOut.statusCode(), "waited past the queue timeout");
        assertTrue(timedOut.body().contains("tidemark.limits.queue-timeout"), timedOut.body());
        assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
        assertEquals(200, send(4).get(10, TimeUnit.SECONDS).statusCode(), "the place freed is taken again");
        assertEquals(List.of("1", "4"), order);
    }

    void awaitRunning(int count) throws InterruptedException {
        for (int i = 0; i < 200 && running.get() < count; i++) {
            Thread.sleep(10);
        }
    }
}
