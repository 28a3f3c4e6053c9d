package dev.tidemark.sync.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.ClientGone;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards {@code /graphql} before anything else handles it (route order -101, ahead of the
 * WebSocket endpoint's -100 and SmallRye's handler): a client address over
 * {@code tidemark.limits.connections-per-minute} gets HTTP 429 with {@code Retry-After} instead of
 * a WebSocket upgrade, and over {@code tidemark.limits.requests-per-minute} instead of an answer to
 * a plain request or an operation sent over a WebSocket (the buckets are {@link AddressBuckets}'), and with {@code tidemark.limits.max-requests-in-flight-per-client} of its plain
 * requests already in flight ({@link RequestsInFlight}); the body is read by {@link LimitedBodyReader} (HTTP 413 over a size limit, while
 * it arrives); a batch (a JSON array of operations) gets HTTP 400, because batching is not
 * supported (SmallRye would answer it with a code-less "Unparseable request" and HTTP 200). All
 * answer with a GraphQL-style body whose {@code extensions.code} names the refusal.
 */
@ApplicationScoped
public class GraphQLHttpGuard {

    /** Before the WebSocket endpoint (-100) and SmallRye GraphQL (-99). */
    static final int ROUTE_ORDER = -101;
    static final String RATE_LIMITED = "RATE_LIMITED";
    static final String BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED";
    /** Where an admitted WebSocket upgrade's routing context holds the client address it is limited by. */
    public static final String CLIENT_ADDRESS = "tidemark.client-address";
    private static final Logger LOG = Logger.getLogger(GraphQLHttpGuard.class);

    @Inject
    TidemarkConfig config;

    @ConfigProperty(name = "quarkus.smallrye-graphql.root-path", defaultValue = "graphql")
    String rootPath;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    @Inject
    AddressBuckets buckets;

    @Inject
    LimitRefusals refusals;

    private RequestsInFlight inFlight;

    void route(@Observes Router router) {
        TidemarkConfig.Limits limits = config.limits();
        inFlight = new RequestsInFlight(limits.maxRequestsInFlightPerClient());
        RequestAdmission admission = new RequestAdmission(limits.maxRunningRequests(), limits.maxQueuedRequests(),
                limits.queueTimeout().toMillis(), config.database().retryAfter().toSeconds(), refusals);
        String path = rootPath.startsWith("/") ? rootPath : "/" + rootPath;
        router.route(path).order(ROUTE_ORDER).handler(this::limitRate);
        // The body is read here, earlier than SmallRye's own body handler would (which then sees it
        // read and goes on), with the limits applied while it arrives, so a batch can be recognised.
        router.route(path).order(ROUTE_ORDER).method(HttpMethod.POST)
                .handler(new LimitedBodyReader(maxBodySize.asLongValue(), new JsonBodyScanner.Limits(limits.maxStringLength().asLongValue(),
                        limits.maxNumberLength(), limits.maxJsonValues(), limits.maxJsonDepth(), config.sync().maxRows()), refusals))
                .handler(GraphQLHttpGuard::refuseBatches).handler(admission);
        router.route(path).order(ROUTE_ORDER).method(HttpMethod.GET).handler(admission);
    }

    /** WebSocket upgrades and plain requests each have their own buckets per client address. */
    private void limitRate(RoutingContext context) {
        ClientGone.remember(context.response());
        HttpServerRequest request = context.request();
        boolean upgrade = request.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true);
        String client = clientAddress(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                request.getHeader("X-Forwarded-For"), config.limits().trustForwardedFor());
        long retryAfter = upgrade ? buckets.takeConnection(client) : buckets.takeRequest(client);
        if (retryAfter > 0) {
            if (upgrade) {
                refusals.refused(Limit.CONNECTIONS_PER_MINUTE, Transport.WEBSOCKET);
            } else {
                refusals.refused(Limit.REQUESTS_PER_MINUTE, Transport.HTTP);
            }
            String what = upgrade ? "connections" : "requests";
            String key = upgrade ? "tidemark.limits.connections-per-minute" : "tidemark.limits.requests-per-minute";
            int perMinute = upgrade ? config.limits().connectionsPerMinute() : config.limits().requestsPerMinute();
            context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
            refuse(context, 429, RATE_LIMITED, "too many " + what + " from " + client + ": over " + key + " (" + perMinute
                    + "); retry after " + retryAfter + " s", null);
            LimitedBodyReader.discardBody(context, maxBodySize.asLongValue());
            return;
        }
        if (!upgrade && inFlight.enabled() && !admitInFlight(context, client)) {
            return;
        }
        if (upgrade) {
            context.put(CLIENT_ADDRESS, client);
        }
        context.next();
    }

    /**
     * Takes one of the client's places in flight, given back once the answer is written or the
     * connection closes (on HTTP/2, once the answer is handed over); false, answered 429, when it has
     * none left.
     */
    private boolean admitInFlight(RoutingContext context, String client) {
        Runnable release = inFlight.admit(client);
        if (release == null) {
            refusals.refused(Limit.MAX_REQUESTS_IN_FLIGHT_PER_CLIENT, Transport.HTTP);
            long unreported = inFlight.refused();
            if (unreported > 0) {
                LOG.warnf("Refused %d request(s) over tidemark.limits.max-requests-in-flight-per-client (%d) since the last report, "
                        + "the latest from %s", unreported, inFlight.maxPerClient(), client);
            }
            context.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            refuse(context, 429, RATE_LIMITED, "too many requests in flight from " + client
                    + ": over tidemark.limits.max-requests-in-flight-per-client (" + inFlight.maxPerClient()
                    + "); a request counts until its answer is written: read the answers, or retry after 1 s", null);
            LimitedBodyReader.discardBody(context, maxBodySize.asLongValue());
            return false;
        }
        if (!AnswerWritten.whenWritten(context.request(), release)) {
            context.addEndHandler(ended -> release.run());
            context.addHeadersEndHandler(v -> release.run());
        }
        return true;
    }

    private static void refuseBatches(RoutingContext context) {
        if (isBatch(context)) {
            refuse(context, 400, BATCHING_NOT_SUPPORTED,
                    "batched requests (a JSON array of operations) are not supported: send one operation per request", null);
            return;
        }
        context.next();
    }

    /** Answers with a GraphQL-style error: {@code extensions.code}, and {@code extensions.field} when not null. */
    static void refuse(RoutingContext context, int status, String code, String message, String field) {
        JsonObjectBuilder extensions = Json.createObjectBuilder().add("code", code);
        if (field != null && !field.isEmpty()) {
            extensions.add("field", field);
        }
        String body = Json.createObjectBuilder().add("errors", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("message", message).add("extensions", extensions))).build().toString();
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    /** A JSON body whose first non-blank character opens an array: several operations in one request. */
    static boolean isBatch(RoutingContext context) {
        Buffer body = context.body() == null ? null : context.body().buffer();
        if (body == null) {
            return false;
        }
        for (int i = 0; i < body.length(); i++) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '[';
            }
        }
        return false;
    }

    /**
     * The address a client is limited by: the TCP peer, or with {@code trustForwardedFor} the last
     * {@code X-Forwarded-For} entry (the one the ingress appended; earlier entries come from the
     * client and could be anything).
     */
    static String clientAddress(String peer, String forwardedFor, boolean trustForwardedFor) {
        if (trustForwardedFor && forwardedFor != null) {
            String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
            if (!last.isEmpty()) {
                return last;
            }
        }
        return peer == null ? "unknown" : peer;
    }
}
