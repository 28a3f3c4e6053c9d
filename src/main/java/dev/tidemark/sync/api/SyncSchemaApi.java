package dev.tidemark.sync.api;

import jakarta.inject.Inject;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

/** The {@code syncSchema} query: the synced tables described for clients, generated from the entities. */
@GraphQLApi
public class SyncSchemaApi {

    @Inject
    SchemaDescriber describer;

    @Query
    @Description("The synced tables (columns, foreign keys, cascades, conflict policies) so that clients declare nothing twice.")
    public @NonNull SchemaDescription syncSchema() {
        return describer.describe();
    }
}
