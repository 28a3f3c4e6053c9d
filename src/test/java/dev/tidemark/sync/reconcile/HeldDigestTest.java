package dev.tidemark.sync.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * The digest's hashes against vectors computed by a separate, string-based implementation (Python,
 * printed in docs/protocol.md for client authors), so the allocation-free Java version cannot drift.
 */
class HeldDigestTest {

    static final UUID ZERO = UUID.fromString("00000000-0000-0000-0000-000000000000");
    static final UUID SOME = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    static final UUID HIGH = UUID.fromString("ffffffff-ffff-4fff-bfff-ffffffffffff");

    @Test
    void hashesMatchTheReferenceVectors() {
        assertEquals(0x3753bd98, HeldDigest.uidHash(ZERO));
        assertEquals(0xa64e36f5, HeldDigest.rowHash(ZERO, 1));
        assertEquals(0x971d5587, HeldDigest.uidHash(SOME));
        assertEquals(0xe4508afd, HeldDigest.rowHash(SOME, 42));
        assertEquals(0x19ecfd81, HeldDigest.uidHash(HIGH));
        assertEquals(0xd05630f8, HeldDigest.rowHash(HIGH, 9007199254740991L));
    }

    @Test
    void encodesBucketSumsAsBigEndianBase64() {
        HeldDigest digest = HeldDigest.empty(4);
        digest.add(SOME, 42);
        digest.add(ZERO, 1);
        assertEquals("pk429QAAAAAAAAAA5FCK/Q==", digest.encode());
        HeldDigest decoded = HeldDigest.decode(digest.encode(), "x");
        for (int b = 0; b < 4; b++) {
            assertEquals(digest.sum(b), decoded.sum(b));
        }
    }

    @Test
    void refusesMalformedDigests() {
        assertThrows(InvalidInputException.class, () -> HeldDigest.decode("not base64!", "x"));
        assertThrows(InvalidInputException.class, () -> HeldDigest.decode("AAAAAAAAAAAAAAAA", "x")); // 12 bytes: 3 buckets
        assertThrows(InvalidInputException.class, () -> HeldDigest.decode("AAA=", "x")); // 2 bytes
        assertThrows(InvalidInputException.class, () -> HeldDigest.decode("", "x"));
        assertThrows(IllegalArgumentException.class, () -> HeldDigest.empty(3));
    }
}
