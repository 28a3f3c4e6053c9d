package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.ServerSocket;
import java.sql.DriverManager;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The fault tests' own PostgreSQL cluster starts even when another process binds its free port
 * between the choice and the start (DatabaseOutageIT failed with "Address already in use" under load).
 */
class PostgresClusterIT {

    @Test
    void aPortTakenBeforeTheClusterStartsIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Iterator<Integer> ports = List.of(taken.getLocalPort(), AppInstance.freePort()).iterator();
            try (PostgresCluster cluster = PostgresCluster.create("tidemark-port-race", ports::next)) {
                assertNotEquals(taken.getLocalPort(), cluster.port());
                try (var connection = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "")) {
                    connection.createStatement().execute("select 1");
                }
            }
        }
    }
}
