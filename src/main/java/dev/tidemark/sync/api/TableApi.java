package dev.tidemark.sync.api;

import jakarta.inject.Inject;

import dev.tidemark.sync.query.RelationLoader;
import dev.tidemark.sync.query.SyncQueryService;
import dev.tidemark.sync.realtime.TableChanges;
import dev.tidemark.sync.write.SyncWriteService;

/**
 * Base of an app's per-table GraphQL API class: the engine services its one-line query, write,
 * relation and subscription methods delegate to. The subclass declares the typed inputs and
 * methods (GraphQL needs one type per table); it carries no logic of its own.
 */
public abstract class TableApi {

    @Inject
    protected SyncQueryService queries;

    @Inject
    protected SyncWriteService writes;

    @Inject
    protected RelationLoader relations;

    @Inject
    protected TableChanges hub;
}
