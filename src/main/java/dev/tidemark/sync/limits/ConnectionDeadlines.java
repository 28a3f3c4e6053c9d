package dev.tidemark.sync.limits;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.vertx.ext.web.RoutingContext;

/**
 * The deadlines of one HTTP connection, first in its Netty pipeline (so it sees every byte before
 * Vert.x does), all on the connection's event loop: a request's line and headers must be complete
 * within {@code headerMillis} of the connection's opening (a connection that sends nothing is
 * closed then) or of the first byte of the next request on a kept-alive connection; its body within
 * {@code bodyMillis} of its headers; a connection with no request on it is closed after {@code
 * keepAliveMillis}. A request that misses its deadline is answered HTTP 408 and the connection
 * closed, where a response can be written: a plain HTTP/1 connection whose head started arriving
 * gets 408 written as bytes (there is no request object yet), one whose body is late gets it through
 * Vert.x. Vert.x itself has none of these deadlines (its idle timeout is reset by every byte, so a
 * client sending one byte every few seconds held a connection for ever).
 *
 * <p>{@link SlowClientGuard}'s first route tells it when a request's headers have arrived and when
 * its response has ended. A WebSocket upgrade, or an HTTP/2 connection (several requests at once),
 * leaves the tracking after its first request: the realtime handshake has its own deadline
 * ({@code tidemark.realtime.connection-init-timeout}) and {@code quarkus.http.idle-timeout} bounds the rest.
 */
final class ConnectionDeadlines extends ChannelDuplexHandler {

    static final AttributeKey<ConnectionDeadlines> KEY = AttributeKey.valueOf("tidemark.connection-deadlines");
    static final String NAME = "tidemark-deadlines";
    private static final byte[] TIMEOUT_RESPONSE = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 51\r\n\r\n"
            + "the request headers were not received in time (408)").getBytes(StandardCharsets.US_ASCII);

    /** Where the connection is: waiting for (or reading) a request head, in a request, idle between requests, or untracked. */
    private enum Phase { HEAD, REQUEST, IDLE, UNTRACKED }

    private final long headerMillis;
    private final long bodyMillis;
    private final long keepAliveMillis;
    private final LimitRefusals refusals;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private boolean headStarted;
    private RoutingContext current;
    private ScheduledFuture<?> timer;

    ConnectionDeadlines(long headerMillis, long bodyMillis, long keepAliveMillis, LimitRefusals refusals) {
        this.headerMillis = headerMillis;
        this.bodyMillis = bodyMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        context.channel().attr(KEY).set(this);
        arm(headerMillis, this::headTimedOut);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancel();
        phase = Phase.UNTRACKED;
        current = null;
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (phase == Phase.IDLE || phase == Phase.REQUEST && answered()) {
            // the first byte of the next request: its head has headerMillis from now
            phase = Phase.HEAD;
            arm(headerMillis, this::headTimedOut);
        }
        if (phase == Phase.HEAD) {
            headStarted = true;
        }
        context.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (phase == Phase.HEAD && headStarted) {
            // a response to a request the route did not see (Vert.x answering an invalid head itself)
            cancel();
            phase = Phase.UNTRACKED;
        }
        context.write(message, promise);
    }

    /** The route saw a request's headers: the head deadline ends, the body's starts (unless it is already read). */
    void requestArrived(RoutingContext request, boolean untracked) {
        onLoop(() -> {
            headStarted = false;
            current = untracked ? null : request;
            phase = untracked ? Phase.UNTRACKED : Phase.REQUEST;
            if (untracked) {
                cancel();
            } else {
                arm(request.request().isEnded() ? keepAliveMillis : bodyMillis, this::checkRequest);
            }
        });
    }

    /** The response to the current request has ended: once its body is read too, the connection is idle. */
    void responseEnded(RoutingContext request) {
        onLoop(() -> {
            if (phase == Phase.REQUEST && current == request && answered()) {
                idle();
            }
        });
    }

    private boolean answered() {
        return current != null && current.request().isEnded() && current.response().ended();
    }

    /**
     * The body's deadline (or, once it is read, a look every keepAliveMillis in case the response's
     * end went unnoticed: another handler may have replaced the end handlers of the response).
     */
    private void checkRequest() {
        if (phase != Phase.REQUEST) {
            return;
        }
        if (!current.request().isEnded()) {
            bodyTimedOut(current);
        } else if (current.response().ended()) {
            idle();
        } else {
            arm(keepAliveMillis, this::checkRequest);
        }
    }

    private void idle() {
        phase = Phase.IDLE;
        current = null;
        arm(keepAliveMillis, () -> ctx.close());
    }

    private void headTimedOut() {
        if (phase != Phase.HEAD) {
            return;
        }
        phase = Phase.UNTRACKED;
        refusals.refused(Limit.REQUEST_HEADER_TIMEOUT, Transport.HTTP);
        // 408 only where it can be read: a plain HTTP/1 connection that sent part of a head (a silent one is just closed)
        if (headStarted && ctx.pipeline().get(SslHandler.class) == null && ctx.pipeline().get("httpDecoder") != null) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_RESPONSE)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void bodyTimedOut(RoutingContext request) {
        phase = Phase.UNTRACKED;
        refusals.refused(Limit.REQUEST_BODY_TIMEOUT, Transport.HTTP);
        current = null;
        // what it still sends is dropped, and the close is not a failure of the request (nothing to log)
        request.request().handler(chunk -> { }).exceptionHandler(closed -> { });
        if (!request.response().headWritten()) {
            request.response().putHeader("Connection", "close");
            GraphQLHttpGuard.refuse(request, 408, "REQUEST_TIMEOUT", "the request body was not received within " + bodyMillis
                    + " ms of its headers (tidemark.limits.request-body-timeout)", null);
        }
        // queued behind the response's bytes: the connection closes once they are written
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private void arm(long millis, Runnable task) {
        cancel();
        if (millis > 0) {
            timer = ctx.executor().schedule(task, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
