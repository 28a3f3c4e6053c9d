package dev.tidemark.sync.realtime.changelog;

import java.net.URI;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What the tests that read the change log on their own thread use: the GraphQL endpoint (to subscribe
 * and write), the tailer (its thread off: each such test is a {@code @QuarkusTest} with
 * {@link RowPassingThroughScopeTest.Profile}, so it reads the log when it chooses) and the data source.
 */
abstract class TailerOffTest {

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    ChangeLogTailer tailer;

    @Inject
    AgroalDataSource dataSource;
}
