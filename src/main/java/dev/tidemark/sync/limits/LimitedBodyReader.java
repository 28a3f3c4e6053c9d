package dev.tidemark.sync.limits;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Reads the body of a {@code /graphql} request with every size limit applied while it arrives, in
 * place of Vert.x's body handler (which only caps the total): a {@code Content-Length} over
 * {@code quarkus.http.limits.max-body-size} is refused before a byte is read, and a JSON body is fed
 * to a {@link JsonBodyScanner} chunk by chunk, so a huge string, a held list over the row limit or
 * a flood of tiny values is refused at the byte that breaks the limit. A refusal is HTTP 413 with
 * {@code LIMIT_EXCEEDED}, the key, and the path in the body; nothing reaches GraphQL. An accepted
 * body is handed on as the body handler would ({@link RoutingContextInternal}, Vert.x's own API for
 * body handlers), so SmallRye's handler, which parses it on a worker thread, sees it read.
 */
final class LimitedBodyReader implements Handler<RoutingContext> {

    static final String BODY_SIZE_KEY = "quarkus.http.limits.max-body-size";
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final long maxBodySize;
    private final JsonBodyScanner.Limits limits;
    private final LimitRefusals refusals;

    LimitedBodyReader(long maxBodySize, JsonBodyScanner.Limits limits, LimitRefusals refusals) {
        this.maxBodySize = maxBodySize;
        this.limits = limits;
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext context) {
        RoutingContextInternal internal = (RoutingContextInternal) context;
        if (internal.seenHandler(RoutingContextInternal.BODY_HANDLER)) {
            context.next();
            return;
        }
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        HttpServerRequest request = context.request();
        long declared = contentLength(request);
        // HTTP/2 sends no Transfer-Encoding: its frames are the chunks
        if (declared < 0 && !request.headers().contains(HttpHeaders.TRANSFER_ENCODING) && request.version() != HttpVersion.HTTP_2) {
            context.next(); // no body
            return;
        }
        if (declared > maxBodySize) {
            refuse(context, new JsonBodyScanner.Violation(BODY_SIZE_KEY, null, bodyTooLarge()));
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            context.response().writeContinue();
        }
        Reading reading = new Reading(context, isGraphQLDocument(request) ? null : new JsonBodyScanner(limits));
        request.handler(reading).endHandler(reading::end).exceptionHandler(context::fail).resume();
    }

    /** One request's body as it arrives. */
    private final class Reading implements Handler<Buffer> {
        private final RoutingContext context;
        private final JsonBodyScanner json;
        private Buffer body = Buffer.buffer(INITIAL_BUFFER);
        private long size;

        Reading(RoutingContext context, JsonBodyScanner json) {
            this.context = context;
            this.json = json;
        }

        @Override
        public void handle(Buffer chunk) {
            if (body == null) {
                return; // refused: the rest is being discarded
            }
            size += chunk.length();
            JsonBodyScanner.Violation violation = size > maxBodySize
                    ? new JsonBodyScanner.Violation(BODY_SIZE_KEY, null, bodyTooLarge())
                    : json != null ? json.feed(chunk) : documentTooLong();
            if (violation != null) {
                body = null;
                refuse(context, violation);
                return;
            }
            body.appendBuffer(chunk);
        }

        /** {@code application/graphql}: the whole body is the document, one string for the limits. */
        private JsonBodyScanner.Violation documentTooLong() {
            return size > limits.maxStringLength() ? new JsonBodyScanner.Violation(JsonBodyScanner.Limits.STRING_KEY, "query",
                    "a document of more than " + limits.maxStringLength() + " bytes") : null;
        }

        void end(Void ended) {
            if (body != null) {
                ((RoutingContextInternal) context).setBody(body);
                body = null;
                context.next();
            }
        }
    }

    private String bodyTooLarge() {
        return "a request body of more than " + maxBodySize + " bytes";
    }

    /** Answers 413 at once; the rest of the body is discarded. */
    private void refuse(RoutingContext context, JsonBodyScanner.Violation violation) {
        refusals.refused(limit(violation.key()), Transport.HTTP);
        String where = violation.path() == null || violation.path().isEmpty() ? "" : violation.path() + ": ";
        GraphQLHttpGuard.refuse(context, 413, "LIMIT_EXCEEDED", where + violation.message() + " in one request, over "
                + violation.key() + "; send less per request (split a sync into several calls)", violation.path());
        discardBody(context, maxBodySize);
    }

    /** The limit a violation's configuration key names. */
    private static Limit limit(String key) {
        return switch (key) {
            case JsonBodyScanner.Limits.STRING_KEY -> Limit.MAX_STRING_LENGTH;
            case JsonBodyScanner.Limits.NUMBER_KEY -> Limit.MAX_NUMBER_LENGTH;
            case JsonBodyScanner.Limits.VALUES_KEY -> Limit.MAX_JSON_VALUES;
            case JsonBodyScanner.Limits.DEPTH_KEY -> Limit.MAX_JSON_DEPTH;
            case JsonBodyScanner.Limits.ROWS_KEY -> Limit.MAX_ROWS;
            default -> Limit.MAX_BODY_SIZE;
        };
    }

    /**
     * After an early answer: discards what the client still sends, so it can read the answer on the
     * same connection, and closes the connection if that goes on for more than {@code bound} bytes.
     */
    static void discardBody(RoutingContext context, long bound) {
        HttpServerRequest request = context.request();
        if (request.isEnded()) {
            return;
        }
        long[] discarded = { 0 };
        request.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > bound) {
                request.connection().close();
            }
        }).endHandler(null).resume();
    }

    private static boolean isGraphQLDocument(HttpServerRequest request) {
        // SmallRye's own test: any type starting so (application/graphql+json included) is a bare document
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.startsWith("application/graphql");
    }

    private static long contentLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
