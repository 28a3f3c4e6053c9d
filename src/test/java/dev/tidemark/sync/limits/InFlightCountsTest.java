package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link RequestsInFlight}'s counting: places per address, a release given back once, no entry left behind. */
class InFlightCountsTest {

    @Test
    void shouldAdmitUpToTheLimitPerAddressAndGiveEachPlaceBackOnce() {
        RequestsInFlight inFlight = new RequestsInFlight(2);
        Runnable first = inFlight.admit("a");
        Runnable second = inFlight.admit("a");
        assertNotNull(first);
        assertNotNull(second);
        assertNull(inFlight.admit("a"), "a third is refused");
        assertNotNull(inFlight.admit("b"), "another address has places of its own");
        first.run();
        first.run(); // the answer written and the connection closed: one place, not two
        assertEquals(1, inFlight.inFlight("a"));
        Runnable third = inFlight.admit("a");
        assertNotNull(third);
        assertNull(inFlight.admit("a"));
        second.run();
        third.run();
        assertEquals(0, inFlight.inFlight("a"));
        assertEquals(1, inFlight.clients(), "a's entry went with its last request");
    }

    @Test
    void shouldReportRefusalsTogetherAtMostOnceEveryTenSeconds() {
        RequestsInFlight inFlight = new RequestsInFlight(1);
        List<Long> reports = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long report = inFlight.refused();
            if (report > 0) {
                reports.add(report);
            }
        }
        assertEquals(List.of(1L), reports, "the first is reported at once, the next 49 wait for the next report");
        assertTrue(RequestsInFlight.REPORT_EVERY >= 1_000_000_000L);
    }
}
