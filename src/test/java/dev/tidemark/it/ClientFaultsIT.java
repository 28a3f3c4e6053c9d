package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The web client's fault test ({@code web-client/test/faults}, {@code npm run test:faults}) on the
 * packaged server: the Node test starts PostgreSQL (a cluster of its own, from the machine's
 * PostgreSQL binaries, so it can restart it) and two instances of this build's jar itself, because
 * it kills and restarts them between operations; this IT gives it the jar and the JVM and runs its
 * short run (3 seeds of 200 operations unless {@code FAULTS_*} variables say otherwise).
 */
class ClientFaultsIT {

    @Test
    void shouldKeepTheWebClientsGuaranteesUnderFaults() throws IOException, InterruptedException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TIDEMARK_JAR", Path.of(System.getProperty("tidemark.app.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath().toString());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        int exit = NpmScript.run("test:faults", environment, 30);
        assertEquals(0, exit, "the web client's fault test found a broken guarantee; its report (seed, minimal sequence, replay) is above");
    }
}
