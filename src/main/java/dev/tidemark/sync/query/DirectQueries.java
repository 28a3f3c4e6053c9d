package dev.tidemark.sync.query;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManagerFactory;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jboss.logging.Logger;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.auth.TokenIdentities;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.DatabaseUnavailable;
import dev.tidemark.sync.policy.ScopeCompiler;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.SqlScope;
import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.execution.ExecutionContext;
import graphql.execution.RawVariables;
import graphql.execution.ValuesResolver;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.graphql.spi.config.Config;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers the simplest and most frequent HTTP query, a table's list by a where selecting only columns
 * ({@code query($w: UserWhere) { users(where: $w) { uid name } }}), without SmallRye's handler,
 * graphql-java's execution or Hibernate: the where and the caller's row policy are compiled as for
 * any list ({@link ScopeCompiler}), rendered to SQL ({@link JpqlRenderer#renderSql}) and run with
 * JDBC, and the rows are written as the execution writes them (each value serialised by the schema's
 * own scalar, the text by {@link AnswerJson}). The same status, content type and bytes
 * ({@code DirectQueriesTest}).
 *
 * <p>Only a document graphql-java has executed before is answered so: its first request goes the
 * usual way, and the execution strategy hands the document to {@link #learn} once it is parsed,
 * validated and within the document limits. It is kept as a plan (by its text and operation name,
 * at most {@code tidemark.query.direct-plans}, least recently used dropped) when it is one query
 * operation without fragments or directives whose one root field is the list query of a table API
 * class (a {@code @Query} method of a subclass of the engine's table API base class, which the table
 * API generator writes and which carries no logic) with {@code where} and {@code includeDeleted} as
 * its only arguments, selecting only columns that JDBC reads exactly as Hibernate does (text, uuid,
 * timestamptz, bigint, integer, boolean, without a converter) and {@code __typename}. The response's
 * content type is learned the same way, per {@code Accept} header, from SmallRye's answer.
 *
 * <p>Everything else goes the usual way, unchanged: another document, a body with {@code extensions} or
 * a number among its variables, variables graphql-java would refuse or a where that needs SmallRye's
 * conversion, a refused token, a where the compiler refuses, more rows than {@code tidemark.query.max-rows},
 * a null in a non-null column, a database error (the usual way is then taken by every request for five
 * seconds; when the database was unavailable, the usual way answers that request with that failure,
 * {@link #failedRead}, rather than wait for the pool a second time), a document longer
 * than {@link #MAX_PLANNED_LENGTH} characters; and every request while SmallRye observes requests or
 * leaves null fields out ({@link #smallRyeObservesRequests}). Whatever errors a request ends in are the usual way's own, as it answers it from the start.
 */
@ApplicationScoped
public class DirectQueries {

    private static final Logger LOG = Logger.getLogger(DirectQueries.class);

    /** After the guard's -101 (rates, body, admission) and before SmallRye's handler (-99). */
    static final int ROUTE_ORDER = -100;

    static final String WHERE = "where";
    static final String INCLUDE_DELETED = "includeDeleted";
    private static final Pattern NEWLINE_OR_TAB = Pattern.compile("\\n|\\t");
    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());
    private static final int MAX_RESPONSE_TYPES = 32;
    private static final long DATABASE_PAUSE_NANOS = 5_000_000_000L;
    /** Longer documents are never planned (each plan keeps its document's text): the usual way answers them. */
    static final int MAX_PLANNED_LENGTH = 16_384;

    /**
     * Where a direct read that found the database unavailable leaves its failure for the usual way,
     * which then answers it without asking the database again (an outage would otherwise cost each
     * request two waits for the pool).
     */
    static final String DATABASE_FAILURE = "tidemark.direct-queries.database-failure";

    private static volatile boolean enabled = true;
    private static final LongAdder ANSWERED = new LongAdder();

    /** The list fields answerable here and their tables' columns, set at start. */
    private static volatile DirectCatalog catalog;
    private static volatile DirectPlans plans = new DirectPlans(256);

    @Inject
    TidemarkConfig config;

    @Inject
    ScopeCompiler scopes;

    @Inject
    SyncRegistry registry;

    @Inject
    TokenIdentities tokens;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EntityManagerFactory sessions;

    @ConfigProperty(name = "quarkus.smallrye-graphql.root-path", defaultValue = "graphql")
    String rootPath;

    /** Content types SmallRye answered with, by the request's {@code Accept} header ("" for none). */
    private final Map<String, String> responseTypes = new ConcurrentHashMap<>();

    /** Until when ({@link System#nanoTime}) requests go the usual way after a database error; not paused at start whatever the clock's origin. */
    private volatile long pausedUntil = System.nanoTime();

    /** Turns direct answers on or off for the whole process ({@code tidemark.query.direct-queries} at start; tests' and benchmarks' A/B). */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** Requests answered here since the process started (tests and benchmarks read it). */
    public static long answered() {
        return ANSWERED.sum();
    }

    void start(@Observes StartupEvent started) {
        plans = new DirectPlans(config.query().directPlans());
        catalog = DirectCatalog.of(registry, sessions.unwrap(SessionFactoryImplementor.class));
    }

    void route(@Observes Router router) {
        enable(config.query().directQueries() && !smallRyeObservesRequests());
        String path = rootPath.startsWith("/") ? rootPath : "/" + rootPath;
        router.route(path).order(ROUTE_ORDER).method(HttpMethod.POST).handler(this::handle);
    }

    /**
     * Called by the query execution strategy with each operation graphql-java is about to execute:
     * keeps the plan of its document, or that it has none, unless known already.
     */
    static void learn(ExecutionContext context) {
        DirectCatalog known = catalog;
        if (!enabled || known == null || context.getExecutionInput() == null) {
            return;
        }
        String query = context.getExecutionInput().getQuery();
        if (query == null || query.length() > MAX_PLANNED_LENGTH) {
            return;
        }
        DirectPlans.Key key = new DirectPlans.Key(query, context.getExecutionInput().getOperationName());
        if (plans.get(key) == null) {
            DirectPlan plan = DirectPlan.of(context, known);
            plans.put(key, plan == null ? DirectPlan.NONE : plan);
        }
    }

    /**
     * The database failure a direct read of {@code request} met, which the usual way is to answer with
     * instead of reading again; null when there is none.
     */
    static SQLException failedRead(RoutingContext request) {
        return request == null ? null : request.get(DATABASE_FAILURE);
    }

    /** On the event loop: what can be decided without parsing; the rest on a worker. */
    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!enabled || request.query() != null || context.body() == null || context.body().buffer() == null
                || contentType != null && !contentType.startsWith("application/json")
                || request.headers().getAll(HttpHeaders.ACCEPT).size() > 1 || System.nanoTime() - pausedUntil < 0) {
            context.next();
            return;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        String acceptKey = accept == null ? "" : accept;
        String responseType = responseTypes.get(acceptKey);
        if (responseType == null) {
            // SmallRye answers this one, and its content type is kept for the next with the same Accept header
            context.addHeadersEndHandler(v -> learnResponseType(acceptKey, context.response()));
            context.next();
            return;
        }
        if (plans.isEmpty()) {
            context.next();
            return;
        }
        RequestBody body = context.body();
        context.vertx().<Boolean>executeBlocking(() -> answer(context, body, responseType), false).onComplete(done -> {
            if (done.failed() || !Boolean.TRUE.equals(done.result())) {
                context.next();
            }
        });
    }

    private void learnResponseType(String acceptKey, HttpServerResponse response) {
        String type = response.headers().get(HttpHeaders.CONTENT_TYPE);
        if (response.getStatusCode() == 200 && type != null && responseTypes.size() < MAX_RESPONSE_TYPES && DirectRequest.utf8(type)) {
            responseTypes.putIfAbsent(acceptKey, type);
        }
    }

    /** On a worker: true once answered, false when the request is to go the usual way (nothing written). */
    private boolean answer(RoutingContext context, RequestBody body, String responseType) {
        if (context.response().closed()) {
            return true; // the client left while the request waited: nothing to read or write
        }
        String text;
        try {
            text = written(context, body);
            if (text == null) {
                return false;
            }
        } catch (SQLException e) {
            pausedUntil = System.nanoTime() + DATABASE_PAUSE_NANOS;
            LOG.debugf(e, "A direct list query failed in the database; requests go the usual way for 5 s");
            if (DatabaseUnavailable.is(e)) {
                context.put(DATABASE_FAILURE, e);
            }
            return false;
        } catch (RuntimeException e) {
            LOG.debugf(e, "A direct list query was left to the usual way");
            return false;
        }
        ANSWERED.increment(); // before the answer leaves: a client may read it as soon as it has the answer
        HttpServerResponse response = context.response();
        try {
            if (!response.closed() && !response.ended()) {
                response.headers().set(HttpHeaders.CONTENT_TYPE, responseType);
                response.setStatusCode(200).setStatusMessage("OK").end(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "The client left before its direct answer was written"); // answered: not sent the usual way too
        }
        return true;
    }

    /** The answer's text, or null when the request is to go the usual way. */
    private String written(RoutingContext context, RequestBody body) throws SQLException {
        JsonObject request;
        try {
            // As Quarkus's handler reads it: decoded as the body's Content-Type says (a body in ISO-8859-1 read as
            // UTF-8 answered another where), raw newlines and tabs made spaces, parsed by the same JSON-P provider
            String json = NEWLINE_OR_TAB.matcher(body.asString()).replaceAll(" ");
            request = JSON.createReader(new StringReader(json)).readObject();
        } catch (RuntimeException e) {
            return null;
        }
        for (String member : request.keySet()) {
            if (!member.equals("query") && !member.equals("operationName") && !member.equals("variables")) {
                return null; // extensions (persisted queries, say): SmallRye's
            }
        }
        if (!(request.get("query") instanceof JsonString query)) {
            return null;
        }
        JsonValue operationName = request.getOrDefault("operationName", JsonValue.NULL);
        JsonValue variables = request.getOrDefault("variables", JsonValue.NULL);
        if (!(operationName instanceof JsonString) && operationName != JsonValue.NULL
                || !(variables instanceof JsonObject) && variables != JsonValue.NULL) {
            return null;
        }
        DirectPlan plan = plans.get(new DirectPlans.Key(query.getString(), operationName instanceof JsonString name ? name.getString() : null));
        if (plan == null || plan == DirectPlan.NONE) {
            return null;
        }
        Map<String, Object> raw = variables instanceof JsonObject object ? DirectRequest.variables(object) : Map.of();
        if (raw == null) {
            return null;
        }
        GraphQLContext graphQLContext = GraphQLContext.newContext().build();
        Locale locale = Locale.getDefault();
        CoercedVariables coerced = ValuesResolver.coerceVariableValues(plan.schema, plan.variables, RawVariables.of(raw),
                graphQLContext, locale);
        Map<String, Object> arguments = ValuesResolver.getArgumentValues(plan.schema.getCodeRegistry(), plan.definition.getArguments(),
                plan.field.getArguments(), coerced, graphQLContext, locale);
        Object whereValue = arguments.get(WHERE);
        Object where = whereValue instanceof Map<?, ?> map ? BoundWheres.bind(plan.list.whereClass(), map) : null;
        if (whereValue != null && where == null) {
            return null;
        }
        Identity who = identity(context);
        if (who == null) {
            return null;
        }
        SqlScope scope = JpqlRenderer.renderSql(scopes.compile(plan.list.table(), where, WHERE, who));
        List<Object[]> rows;
        try (Connection connection = dataSource.getConnection()) {
            rows = plan.read(connection, scope, Boolean.TRUE.equals(arguments.get(INCLUDE_DELETED)), config.query().maxRows());
        }
        if (rows == null) {
            return null;
        }
        List<Object> list = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            Map<String, Object> values = new LinkedHashMap<>((int) (plan.outputs.size() / 0.75f) + 1);
            for (DirectPlan.Output output : plan.outputs) {
                Object value;
                if (output.column() < 0) {
                    value = plan.typeName;
                } else if (row[output.column()] == null) {
                    if (output.nonNull()) {
                        return null; // graphql-java reports it as an error
                    }
                    value = null;
                } else {
                    value = output.scalar().getCoercing().serialize(row[output.column()], graphQLContext, locale);
                }
                values.put(output.key(), value);
            }
            list.add(values);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(plan.resultKey, list);
        String json = AnswerJson.write(data);
        return json == null ? null : "{\"data\":" + json + "}";
    }

    /**
     * Who the request acts for, as {@code Caller} decides it for the usual way; null when the usual way
     * is to answer (a refused token, or no token without anonymous access: an error).
     */
    private Identity identity(RoutingContext context) {
        SecurityIdentity security = context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        if (security != null && !security.isAnonymous() && security.getPrincipal() instanceof JsonWebToken token) {
            return tokens.of(token); // a refusal throws: the usual way answers it
        }
        return config.auth().anonymousAccess() ? Identity.ANONYMOUS_FULL_ACCESS : null;
    }

    /**
     * Whether SmallRye is configured to observe every request (metrics, tracing, CDI events, payload
     * logging), which this path would skip, or to leave null fields out of answers, which it does not.
     */
    static boolean smallRyeObservesRequests() {
        Config smallRye = Config.get();
        return smallRye.isExcludeNullFieldsInResponses() || smallRye.isEventsEnabled() || smallRye.isMetricsEnabled() || smallRye.isTracingEnabled()
                || smallRye.logPayload() != null && !smallRye.logPayload().name().equalsIgnoreCase("off");
    }
}
