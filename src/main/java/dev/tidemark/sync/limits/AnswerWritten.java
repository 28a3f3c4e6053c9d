package dev.tidemark.sync.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Tells when the answer to a request has been written: placed in an HTTP/1.x connection's Netty
 * pipeline just before Vert.x's connection handler, it sees the response parts Vert.x writes, and
 * the write of the last part gets the pending action as a listener, run once those bytes are in the
 * socket (or the write fails). Vert.x's own end handlers run when the response is handed to Netty,
 * so an answer its client never reads would count as done while it holds the heap. A connection
 * that closes runs its pending action at once. HTTP/1.x answers one request at a time on a
 * connection, so one pending action is enough; interim answers ({@code 100 Continue}) are not the
 * answer. Everything here runs on the connection's event loop.
 */
final class AnswerWritten extends ChannelDuplexHandler {

    static final String NAME = "tidemark-answer-written";
    /** Vert.x's name for the connection handler of an HTTP/1.x pipeline (HttpServerWorker). */
    private static final String VERTX_CONNECTION = "handler";

    private Runnable pending;

    /**
     * Runs {@code action} once the answer to {@code request} is written or its connection closes.
     * False when this connection cannot tell (HTTP/2, not called on the connection's event loop):
     * the caller must release otherwise.
     */
    static boolean whenWritten(HttpServerRequest request, Runnable action) {
        if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)
                || !connection.channel().eventLoop().inEventLoop()) {
            return false;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        AnswerWritten tracker = (AnswerWritten) pipeline.get(NAME);
        if (tracker == null) {
            if (pipeline.get(VERTX_CONNECTION) == null) {
                return false;
            }
            tracker = new AnswerWritten();
            pipeline.addBefore(VERTX_CONNECTION, NAME, tracker);
        }
        if (!connection.channel().isActive()) {
            action.run();
        } else {
            tracker.runPending();
            tracker.pending = action;
        }
        return true;
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (pending != null && message instanceof LastHttpContent && !interim(message)) {
            Runnable action = pending;
            pending = null;
            ChannelPromise written = promise.unvoid();
            written.addListener(done -> action.run());
            context.write(message, written);
            return;
        }
        context.write(message, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        runPending();
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        runPending();
    }

    private void runPending() {
        Runnable action = pending;
        pending = null;
        if (action != null) {
            action.run();
        }
    }

    private static boolean interim(Object message) {
        return message instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
}
