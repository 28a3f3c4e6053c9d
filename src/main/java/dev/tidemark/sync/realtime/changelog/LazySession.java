package dev.tidemark.sync.realtime.changelog;

import java.sql.Connection;
import java.util.function.Supplier;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

/**
 * The read's stateless session on its connection, opened when first asked for: the rows usually
 * come with the opening, so a batch whose scopes need no related row never opens one.
 */
final class LazySession implements Supplier<StatelessSession>, AutoCloseable {

    private final SessionFactory sessions;
    private final Connection connection;
    private StatelessSession session;

    LazySession(SessionFactory sessions, Connection connection) {
        this.sessions = sessions;
        this.connection = connection;
    }

    @Override
    public StatelessSession get() {
        if (session == null) {
            session = sessions.openStatelessSession(connection);
        }
        return session;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
