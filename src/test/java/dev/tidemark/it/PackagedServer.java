package dev.tidemark.it;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The packaged server ({@link AppInstance}) on its own embedded PostgreSQL, started and closed together by an IT. */
final class PackagedServer implements AutoCloseable {

    final EmbeddedPostgres postgres;
    final AppInstance app;

    private PackagedServer(EmbeddedPostgres postgres, AppInstance app) {
        this.postgres = postgres;
        this.app = app;
    }

    static PackagedServer start(String name) throws IOException {
        return start(name, java.util.Map.of());
    }

    /** Started with extra environment variables (configuration keys the IT needs changed). */
    static PackagedServer start(String name, java.util.Map<String, String> environment) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        try {
            AppInstance app = new AppInstance(name, postgres.getJdbcUrl("postgres", "postgres"));
            environment.forEach(app::env);
            return new PackagedServer(postgres, app.start());
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** {@code http://localhost:port}, the base URL clients are given. */
    String url() {
        return app.graphql().toString().replaceFirst("/graphql$", "");
    }

    @Override
    public void close() throws IOException {
        try {
            app.close();
        } finally {
            postgres.close();
        }
    }
}
