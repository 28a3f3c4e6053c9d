package dev.tidemark.sync.time;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The server's clock, the only one trusted for ordering. Times are UTC with microsecond precision,
 * the precision PostgreSQL stores, so a value read back equals the value written.
 */
@ApplicationScoped
public class ServerClock {

    public OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** A client-supplied time, or now when absent; times in the future are clamped to now. */
    public OffsetDateTime clamp(OffsetDateTime clientTime, OffsetDateTime now) {
        if (clientTime == null) {
            return now;
        }
        OffsetDateTime utc = clientTime.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        return utc.isAfter(now) ? now : utc;
    }

    /**
     * When a row becomes a tombstone: the client's time (or now) clamped to now, and never before
     * the row was created. A device whose clock is years behind still deletes the row (refusing
     * would lose the user's delete over a clock), and every tombstone keeps
     * {@code createdAt <= deletedAt <= now}, as the cascade gives its children.
     */
    public OffsetDateTime deletedAt(OffsetDateTime clientTime, OffsetDateTime createdAt, OffsetDateTime now) {
        OffsetDateTime at = clamp(clientTime, now);
        return createdAt != null && at.isBefore(createdAt) ? createdAt : at;
    }
}
