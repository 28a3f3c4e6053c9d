package dev.tidemark.sync.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.WhereParser;

/**
 * Compiles a client's where into the scope it gets: the where parsed and checked ({@link WhereParser}),
 * then limited to what the caller may read, relations included ({@link RowPolicies#restrict}). The
 * one way a where becomes a scope, for queries, sync scopes and subscriptions alike.
 */
@ApplicationScoped
public class ScopeCompiler {

    @Inject
    WhereParser parser;

    @Inject
    RowPolicies policies;

    /** The rows of {@code table} that {@code where} (null: all) selects and {@code who} may read; errors name {@code path}. */
    public Condition compile(SyncTable table, Object where, String path, Identity who) {
        return policies.restrict(table, parser.parse(table, where, path), who);
    }
}
