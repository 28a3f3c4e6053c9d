package dev.tidemark.sync.limits;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.config.TidemarkConfig;

/**
 * The rate budgets of each client address: one bucket of WebSocket upgrades
 * ({@code tidemark.limits.connections-per-minute}) and one of requests
 * ({@code tidemark.limits.requests-per-minute}), which plain HTTP requests ({@link GraphQLHttpGuard})
 * and operations sent over a WebSocket (the realtime protocol) both draw on: an operation costs what
 * a request costs.
 */
@ApplicationScoped
public class AddressBuckets {

    @Inject
    TidemarkConfig config;

    private ClientRateLimiter connections;
    private ClientRateLimiter requests;

    @PostConstruct
    void create() {
        TidemarkConfig.Limits limits = config.limits();
        connections = new ClientRateLimiter(limits.connectionsPerMinute(), limits.connectionBurst(), limits.maxTrackedClients(),
                System::nanoTime);
        requests = new ClientRateLimiter(limits.requestsPerMinute(), limits.requestBurst(), limits.maxTrackedClients(),
                System::nanoTime);
    }

    /** Takes a token of {@code client}'s upgrade bucket: 0 if it may connect, else the seconds until it may. */
    public long takeConnection(String client) {
        return connections.acquire(client);
    }

    /**
     * Takes a token of {@code client}'s request bucket, for a plain request or an operation sent over
     * its WebSocket (a {@code subscribe}): 0 if it may run, else the seconds until it may be sent again.
     */
    public long takeRequest(String client) {
        return requests.acquire(client == null ? "unknown" : client);
    }
}
