package dev.tidemark.sync.limits;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import dev.tidemark.sync.config.LimitsConfig;
import dev.tidemark.sync.config.ServerPorts;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.metrics.limits.LimitRefusals;
import io.netty.channel.Channel;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.ServerID;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Defends the HTTP server against slow and silent clients (slowloris), which Quarkus and Vert.x
 * leave to the 30-minute idle timeout: puts {@link AcceptedConnections} in the pipeline of each
 * listening socket of the application's HTTP server (not the management interface's), which limits
 * the connections of one client address and gives each connection its {@link ConnectionDeadlines},
 * and adds the first route of all, which tells a connection's deadlines when a request's headers
 * have arrived and when its response ended. Vert.x offers no hook on accepted connections but the
 * server's single connection handler, which Quarkus takes for {@code quarkus.http.limits.max-connections}:
 * the listening socket's channel is read from the server Vert.x shares between event loops.
 */
@ApplicationScoped
public class SlowClientGuard {

    /** Before every other route: a request is seen as soon as its headers are. */
    static final int ROUTE_ORDER = Integer.MIN_VALUE;
    private static final Logger LOG = Logger.getLogger(SlowClientGuard.class);

    @Inject
    TidemarkConfig config;

    @Inject
    Vertx vertx;

    @Inject
    LimitRefusals refusals;

    @Inject
    Config mpConfig;

    private AcceptedConnections accepted;

    void route(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(SlowClientGuard::track);
    }

    void started(@Observes StartupEvent event) {
        install();
    }

    void serverStarted(@ObservesAsync HttpServerStart event) {
        if (!install()) {
            LOG.warn("No listening socket found for the HTTP server: no per-client connection limit and no request deadlines");
        }
    }

    /** Connections refused for being over {@code tidemark.limits.max-connections-per-client} (tests). */
    public long refusedConnections() {
        return accepted == null ? 0 : accepted.refused();
    }

    /** Puts the hook on every listening socket that has none yet; true if at least one has it. */
    public synchronized boolean install() {
        if (accepted == null) {
            LimitsConfig limits = config.limits();
            accepted = new AcceptedConnections(limits.trustForwardedFor() ? 0 : limits.maxConnectionsPerClient(),
                    limits.requestHeaderTimeout().toMillis(), limits.requestBodyTimeout().toMillis(), limits.keepAliveTimeout().toMillis(),
                    refusals);
        }
        boolean any = false;
        for (Channel listening : listeningChannels()) {
            if (listening.pipeline().get(AcceptedConnections.NAME) == null) {
                listening.pipeline().addFirst(AcceptedConnections.NAME, accepted);
                LOG.debugf("Connection limits and deadlines on %s", listening.localAddress());
            }
            any = true;
        }
        return any;
    }

    /**
     * The listening sockets of the application's HTTP server. The management interface's server is
     * told apart by its port, which {@code ServerPortsCheck} makes sure differs from the application's
     * (a management port of 0, random, is not told apart: its socket gets the hook too).
     */
    private List<Channel> listeningChannels() {
        ServerPorts ports = ServerPorts.of(mpConfig, LaunchMode.current());
        Map<ServerID, HttpServerImpl> shared = ((VertxInternal) vertx).sharedHttpServers();
        List<HttpServerImpl> servers;
        synchronized (shared) {
            servers = new ArrayList<>(shared.values());
        }
        List<Channel> channels = new ArrayList<>();
        for (HttpServerImpl server : servers) {
            if (ports.managementEnabled() && server.actualPort() == ports.management()) {
                continue;
            }
            Channel channel = boundChannel(server);
            if (channel != null) {
                channels.add(channel);
            }
        }
        return channels;
    }

    @SuppressWarnings("unchecked")
    private static Channel boundChannel(TCPServerBase server) {
        try {
            Field bind = TCPServerBase.class.getDeclaredField("bindFuture");
            bind.setAccessible(true);
            Future<Channel> bound = (Future<Channel>) bind.get(server);
            return bound != null && bound.succeeded() ? bound.result() : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf(e, "Cannot reach the HTTP server's listening socket: no per-client connection limit and no request deadlines");
            return null;
        }
    }

    private static void track(RoutingContext context) {
        if (context.request().connection() instanceof ConnectionBase connection) {
            ConnectionDeadlines deadlines = connection.channel().attr(ConnectionDeadlines.KEY).get();
            if (deadlines != null) {
                boolean untracked = context.request().version() == HttpVersion.HTTP_2
                        || context.request().headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true);
                deadlines.requestArrived(context, untracked);
                if (!untracked) {
                    context.addEndHandler(ended -> deadlines.responseEnded(context));
                }
            }
        }
        context.next();
    }
}
