package dev.tidemark.sync.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * In the pipeline of the HTTP server's listening socket, so it sees each connection as it is
 * accepted, before Vert.x sets it up: a client address already holding {@code maxPerClient} open
 * connections has the new one closed at once (the socket is closed before it is registered with an
 * event loop: no handler, no buffer, no event-loop work), and every accepted connection gets its
 * {@link ConnectionDeadlines}. The counts live as long as the connections (an address's entry goes
 * with its last connection), so memory is bounded by the open connections.
 */
@ChannelHandler.Sharable
final class AcceptedConnections extends ChannelInboundHandlerAdapter {

    static final String NAME = "tidemark-accepted-connections";

    private final int maxPerClient;
    private final long headerMillis;
    private final long bodyMillis;
    private final long keepAliveMillis;
    private final PerKeyCounts<InetAddress> open;
    private final AtomicLong refused = new AtomicLong();
    private final LimitRefusals refusals;

    /** {@code maxPerClient} of 0 or less counts nothing. */
    AcceptedConnections(int maxPerClient, long headerMillis, long bodyMillis, long keepAliveMillis, LimitRefusals refusals) {
        this.maxPerClient = maxPerClient;
        this.open = new PerKeyCounts<>(maxPerClient);
        this.headerMillis = headerMillis;
        this.bodyMillis = bodyMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof Channel child) {
            if (maxPerClient > 0 && child.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
                InetAddress address = remote.getAddress();
                if (!open.take(address)) {
                    refused.incrementAndGet();
                    refusals.refused(Limit.MAX_CONNECTIONS_PER_CLIENT, Transport.HTTP);
                    child.unsafe().closeForcibly();
                    return;
                }
                child.closeFuture().addListener((ChannelFutureListener) closed -> open.give(address));
            }
            child.pipeline().addFirst(ConnectionDeadlines.NAME, new ConnectionDeadlines(headerMillis, bodyMillis, keepAliveMillis, refusals));
        }
        context.fireChannelRead(message);
    }

    /** Connections refused for being over the per-address limit, since start. */
    long refused() {
        return refused.get();
    }
}
