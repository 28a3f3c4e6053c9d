package dev.tidemark.sync.query;

import java.util.List;

import dev.tidemark.sync.config.TidemarkConfig;
import graphql.GraphQL;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLSchema;
import graphql.schema.visibility.DefaultGraphqlFieldVisibility;
import graphql.schema.visibility.GraphqlFieldVisibility;
import io.quarkus.arc.Arc;
import io.smallrye.graphql.execution.error.ExceptionHandler;
import io.smallrye.graphql.spi.EventingService;
import io.smallrye.graphql.spi.config.Config;

/**
 * The read path of the {@code GraphQL} instance SmallRye builds (HTTP and the WebSocket endpoint's
 * executions): lists of rows completed in one pass ({@link OnePassRows}) for queries and mutations,
 * field lookups without a regular expression ({@link Visibility}), and the {@code where} of list
 * queries bound without JSON-B ({@link BoundWheres}). Loaded with
 * {@code ServiceLoader}; listed last, so it sees the schema the other services made.
 */
public class ReadPathEventingService implements EventingService {

    @Override
    public String getConfigKey() {
        return null;
    }

    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        TidemarkConfig config = Arc.container().instance(TidemarkConfig.class).get();
        OnePassRows.enable(config.query().onePassRows());
        ColumnRows.enable(config.query().columnRows());
        BoundWheres.enable(config.query().boundWhere());
        GraphQLSchema schema = builder.build().getGraphQLSchema();
        GraphQLCodeRegistry code = schema.getCodeRegistry()
                .transform(c -> {
                    c.fieldVisibility(new Visibility(schema.getCodeRegistry().getFieldVisibility(),
                            "default".equals(Config.get().getFieldVisibility())));
                    BoundWheres.wrapQueries(schema, c);
                });
        return builder.schema(schema.transformWithoutTypes(b -> b.codeRegistry(code)))
                .queryExecutionStrategy(new OnePassStrategies.Query(new ExceptionHandler()))
                .mutationExecutionStrategy(new OnePassStrategies.Mutation(new ExceptionHandler()));
    }

    /**
     * Every field visible, without a regular expression per field of every row. SmallRye GraphQL 2.17
     * does not recognise Quarkus's default {@code quarkus.smallrye-graphql.field-visibility=default}
     * as the default: it builds a {@code BlockedFields} with the pattern {@code default}, which hides
     * nothing (no field's coordinates are the word "default") yet runs {@code Pattern.matcher} for
     * every field graphql-java looks up (about 70,000 times for a 10,000-row list). The configured
     * visibility is kept when it is anything else, and while the one-pass path is off (the benchmark's
     * "before").
     */
    static final class Visibility implements GraphqlFieldVisibility {

        private final GraphqlFieldVisibility configured;
        private final boolean hidesNothing;

        /** {@code configuredDefault}: the configured value is Quarkus's {@code default}. */
        Visibility(GraphqlFieldVisibility configured, boolean configuredDefault) {
            this.configured = configured;
            this.hidesNothing = configured instanceof DefaultGraphqlFieldVisibility || configuredDefault;
        }

        private GraphqlFieldVisibility current() {
            return hidesNothing && OnePassRows.enabled() ? DefaultGraphqlFieldVisibility.DEFAULT_FIELD_VISIBILITY : configured;
        }

        @Override
        public List<GraphQLFieldDefinition> getFieldDefinitions(GraphQLFieldsContainer container) {
            return current().getFieldDefinitions(container);
        }

        @Override
        public GraphQLFieldDefinition getFieldDefinition(GraphQLFieldsContainer container, String name) {
            return current().getFieldDefinition(container, name);
        }
    }
}
