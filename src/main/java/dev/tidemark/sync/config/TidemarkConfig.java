package dev.tidemark.sync.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Every {@code tidemark.*} configuration key, each documented once here and in docs/configuration.md. */
@ConfigMapping(prefix = "tidemark")
public interface TidemarkConfig {

    Where where();

    Query query();

    Sync sync();

    Retention retention();

    Realtime realtime();

    Limits limits();

    Database database();

    EmbeddedPostgres embeddedPostgres();

    Auth auth();

    /**
     * Migration mode: start (Flyway migrates at start), then exit with 0. The Kubernetes migration
     * Job runs the image with {@code TIDEMARK_MIGRATE_AND_EXIT=true}; replicas run with
     * {@code quarkus.flyway.migrate-at-start=false} and only validate.
     */
    @WithDefault("false")
    boolean migrateAndExit();

    /** Limits of one sync call; over them the whole sync is refused (LIMIT_EXCEEDED), nothing written. */
    interface Sync {
        /** Most client rows (held plus changed, all scopes together) in one sync. */
        @WithDefault("200000")
        int maxRows();

        /** Most scopes in one sync. */
        @WithDefault("64")
        int maxScopes();

        /** Most rows one page of a paged first sync may ask for (a scope's pageSize). */
        @WithDefault("10000")
        int maxPageSize();

        /** Whether a stamped reconnect may be answered from the change log (else every scope is compared whole). */
        @WithDefault("true")
        boolean logReconnect();

        /** Most log entries (or candidate rows) a reconnect reads from the change log before comparing the whole scope. */
        @WithDefault("10000")
        int logReconnectMaxChanges();
    }

    /** Tombstone retention: tombstones (and sync replay records) older than the horizon are purged. */
    interface Retention {
        /** How long a tombstone is kept before it is purged (ISO-8601 duration or e.g. 30d). */
        @WithDefault("30d")
        java.time.Duration tombstones();

        /** How often the purge runs on each instance (Quarkus scheduler syntax, e.g. 1h). */
        @WithDefault("1h")
        String purgeEvery();
    }

    /** Limits on the where-inputs clients send. */
    interface Where {
        /** Deepest nesting of where objects (and/or/not and relation traversal each add a level). */
        @WithDefault("8")
        int maxDepth();

        /** Largest list accepted by the {@code in} and {@code notIn} operators. */
        @WithDefault("500")
        int maxInSize();

        /**
         * Most conditions in one where: every where object and every operator counts one, across
         * {@code and}/{@code or}/{@code not} and relations (an {@code in} list counts one).
         */
        @WithDefault("500")
        int maxConditions();
    }

    /** Limits on list queries. */
    interface Query {
        /** Most rows one list query may return; over it the query fails and asks for a narrower where. */
        @WithDefault("10000")
        int maxRows();

        /**
         * Lists of rows whose selection is only columns (and {@code __typename}) are completed in one
         * pass per row instead of graphql-java's per-field execution; false: graphql-java's path.
         */
        @WithDefault("true")
        boolean onePassRows();

        /**
         * The data of an answer is written as JSON text in one pass instead of through SmallRye's
         * JSON-P tree (the same bytes); false: SmallRye's path.
         */
        @WithDefault("true")
        boolean directJson();

        /**
         * A list query whose GraphQL selection is only columns reads those columns with a tuple
         * query instead of loading managed entities; false: entities for every list.
         */
        @WithDefault("true")
        boolean columnRows();

        /**
         * A list query's {@code where} argument reaches its method bound from graphql-java's value
         * when that needs no conversion, instead of SmallRye writing it as JSON and binding it with
         * JSON-B; false: SmallRye's binding for every where.
         */
        @WithDefault("true")
        boolean boundWhere();

        /**
         * A list query over HTTP whose document graphql-java has executed before and which selects
         * only columns of one table's list is answered without SmallRye's handler, graphql-java's
         * execution or Hibernate (one SQL statement over JDBC); false: every request the usual way.
         */
        @WithDefault("true")
        boolean directQueries();

        /** Most documents whose direct plan (or that they have none) is kept; the least recently used are dropped. */
        @WithDefault("256")
        int directPlans();
    }

    /** Subscriptions and the change log they are fed from. */
    interface Realtime {
        /** Tail the change log and deliver events; false leaves subscriptions with their READY event only (for tests that count SQL). */
        @WithDefault("true")
        boolean enabled();

        /** Most subscriptions one WebSocket connection may hold at once; more are refused with LIMIT_EXCEEDED. */
        @WithDefault("100")
        int maxSubscriptionsPerConnection();

        /**
         * Most operations (subscribe messages) of one WebSocket connection executed at once; the others
         * wait in order, at most {@link #maxSubscriptionsPerConnection} of them (more: LIMIT_EXCEEDED).
         */
        @WithDefault("4")
        int maxRunningOperationsPerConnection();

        /**
         * An event whose subscriber selects only scalar fields of the event and columns of its row is
         * written directly, the same bytes as executing the subscriber's document; false: every event
         * is rendered by executing the document.
         */
        @WithDefault("true")
        boolean directEvents();

        /**
         * Deliver a small transaction from its change-log notifications (each entry announced with its
         * row, then the commit's count) without reading the log; false: every notification makes the
         * tailer read the log. The log is read anyway when a transaction is not wholly announced, a
         * scope needs a related row, or the last read is older than {@link #pollInterval}.
         */
        @WithDefault("true")
        boolean announcedChanges();

        /** How often the change log is read when no notification arrives (fallback if a NOTIFY is missed). */
        @WithDefault("1s")
        Duration pollInterval();

        /** How long change-log entries are kept; older ones are deleted by every instance's tailer. */
        @WithDefault("24h")
        Duration retention();

        /**
         * Bytes one connection may have waiting to be written (frames queued while its socket is not
         * writable, plus those in the socket's buffer): a client that reads slower than changes
         * arrive is closed with 1013 when it would exceed it, and resubscribes and syncs.
         */
        @WithDefault("8M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize maxQueuedBytesPerConnection();

        /** How long a new WebSocket connection may wait before sending {@code connection_init}; then it is closed with 4408. */
        @WithDefault("3s")
        Duration connectionInitTimeout();

        /**
         * Most change-log entries the tailer loads at once, so memory stays bounded. Transactions are
         * read whole, oldest first, up to it; a single transaction larger than it (a bulk import) is
         * not loaded but announced to every subscription as RESYNC.
         */
        @WithDefault("5000")
        int maxBatch();
    }

    /** The {@code tidemark.limits.*} keys: see {@link LimitsConfig}. */
    interface Limits extends LimitsConfig {
    }

    /**
     * What clients are told when the database cannot be reached (the pool's timeouts are Quarkus
     * keys, {@code quarkus.datasource.jdbc.*}; see docs/configuration.md).
     */
    interface Database {
        /**
         * How often each instance checks that the database answers (one kept connection, a second
         * to answer): readiness, closing dead idle connections, and the change-log listener's
         * reconnection follow it.
         */
        @WithDefault("1s")
        Duration checkInterval();

        /** The {@code retryAfterSeconds} hint of a {@code SERVICE_UNAVAILABLE} answer. */
        @WithDefault("5s")
        Duration retryAfter();

        /**
         * Longest wait for the database's answer to a statement, in seconds (the JDBC
         * {@code socketTimeout}); 0: none, for the migration Job, whose statements may run for minutes.
         */
        @WithDefault("60")
        int socketTimeoutSeconds();
    }

    /**
     * The embedded PostgreSQL of the dev and test profiles. Read at start-up by
     * {@code EmbeddedPostgresConfigSourceFactory}; listed here so the keys are documented and
     * validated. Never used in the prod profile, nor when {@code quarkus.datasource.jdbc.url} is set.
     */
    interface EmbeddedPostgres {
        /** Start an embedded PostgreSQL when no datasource URL is configured (dev and test only). */
        @WithDefault("true")
        boolean enabled();

        /** Port of the embedded server; 0 picks a free port. */
        @WithDefault("0")
        int port();

        /** Data directory kept across restarts; empty means a fresh temporary database each start. */
        Optional<String> dataDir();
    }

    /**
     * Identity: JWT bearer tokens, verified with the {@code mp.jwt.verify.*} keys (in dev and test
     * a key pair made at start-up, see {@code DevKeysConfigSourceFactory}).
     */
    interface Auth {
        /**
         * Requests and WebSocket connections without a token: refused with UNAUTHENTICATED (false), or
         * served with full access to every row (true; for local tools on a trusted network only).
         */
        @WithDefault("false")
        boolean anonymousAccess();

        /** The token group ({@code groups} claim) whose members see and write every row, bypassing row policies. */
        @WithDefault("admin")
        String adminGroup();

        DevTokens devTokens();

        TokenCache tokenCache();

        /** Bearer tokens already verified, kept so that the same token is not verified again on every request. */
        interface TokenCache {
            /** Most tokens kept (least recently used evicted first); 0 verifies every request's token. */
            @WithDefault("1000")
            int maxSize();

            /** A kept token is verified again after this long (and never used past its exp). */
            @WithDefault("5m")
            Duration maxAge();
        }

        /** {@code POST /auth/dev-token}: signs tokens for any user with the server's own key (dev and test only). */
        interface DevTokens {
            /** Serve the endpoint (on in the dev and test profiles; never turn it on in production). */
            @WithDefault("false")
            boolean enabled();

            /** How long a dev token is valid. */
            @WithDefault("12h")
            Duration lifetime();
        }
    }
}
