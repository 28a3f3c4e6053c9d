package dev.tidemark.sync.realtime.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import graphql.GraphQL;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.spi.EventingService;
import io.smallrye.mutiny.Multi;
import mutiny.zero.flow.adapters.AdaptersToReactiveStreams;

import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;

/**
 * Serves the subscription field of every synced table (a root {@code Subscription} field whose
 * type has a {@code row} of the table's type): the API class declares the field (its name, where
 * type and description), this answers it. Loaded with {@code ServiceLoader} (META-INF/services).
 *
 * <p>The field reads what its execution is for from the GraphQL context ({@link SubscriptionField}):
 * a subscribe gets the table and the coerced where handed to the protocol layer, which registers
 * it with the hub; a rendering gets its one event; any other execution (a subscription sent over
 * HTTP) is refused. A subscription field of no synced table keeps SmallRye's own data fetcher.
 * Renderings skip the depth and complexity limits their document passed when it subscribed
 * ({@link CheckedAtSubscribe}); listed after the limits' service, so it finds them in the chain.
 */
public class SubscriptionFields implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        GraphQL built = builder.build();
        GraphQLSchema schema = built.getGraphQLSchema();
        GraphQLObjectType subscriptions = schema.getSubscriptionType();
        if (subscriptions == null) {
            return builder;
        }
        GraphQLCodeRegistry.Builder code = GraphQLCodeRegistry.newCodeRegistry(schema.getCodeRegistry());
        for (GraphQLFieldDefinition field : subscriptions.getFieldDefinitions()) {
            String rowType = rowType(field);
            if (rowType != null) {
                FieldCoordinates coordinates = FieldCoordinates.coordinates(subscriptions, field);
                code.dataFetcher(coordinates, new Fetcher(rowType, schema.getCodeRegistry().getDataFetcher(coordinates, field)));
            }
        }
        return builder.schema(schema.transform(b -> b.codeRegistry(code.build())))
                .instrumentation(CheckedAtSubscribe.wrap(built.getInstrumentation()));
    }

    /** The type name of the {@code row} of the field's type (a change event), or null. */
    private static String rowType(GraphQLFieldDefinition field) {
        if (GraphQLTypeUtil.unwrapAll(field.getType()) instanceof GraphQLObjectType event && event.getFieldDefinition("row") != null) {
            return GraphQLTypeUtil.unwrapAll(event.getFieldDefinition("row").getType()).getName();
        }
        return null;
    }

    /** The data fetcher of one table's subscription field. */
    private static final class Fetcher implements DataFetcher<Object> {

        private final String rowType;
        private final DataFetcher<?> declared;
        private final Map<String, SyncTable> tables = new ConcurrentHashMap<>(1);

        Fetcher(String rowType, DataFetcher<?> declared) {
            this.rowType = rowType;
            this.declared = declared;
        }

        @Override
        public Object get(DataFetchingEnvironment environment) throws Exception {
            SyncTable table = table();
            if (table == null) {
                return declared.get(environment); // not a synced table's change event
            }
            Object call = environment.getGraphQlContext().get(SubscriptionField.CONTEXT_KEY);
            if (call instanceof SubscriptionField.Render render) {
                return AdaptersToReactiveStreams.publisher(Multi.createFrom().item(render.event()));
            }
            if (!(call instanceof SubscriptionField.Subscribe subscribe)) {
                throw new IllegalStateException("subscriptions are served over WebSocket (graphql-transport-ws) at /graphql");
            }
            subscribe.subscribe(table, environment.getArgument("where"));
            return AdaptersToReactiveStreams.publisher(Multi.createFrom().empty());
        }

        /** Looked up on first use: the registry is built after the GraphQL schema. */
        private SyncTable table() {
            return tables.computeIfAbsent(rowType, name -> Arc.container().instance(SyncRegistry.class).get().all().stream()
                    .filter(t -> t.typeName().equals(name)).findFirst().orElse(null));
        }
    }
}
