package dev.tidemark.sync.reconcile;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * The compact form of "the rows I hold": bucket checksums instead of one {@code "<uid>:<version>"}
 * per row (the idea of PowerSync's bucket checksums). A client that holds N live rows of a scope
 * picks a power of two B of buckets (about N, at most {@link #MAX_BUCKETS}), puts each row in
 * bucket {@code uidHash(uid) & (B-1)} and adds {@code rowHash(uid, version)} to that bucket's sum,
 * modulo 2<sup>32</sup>. It sends the B sums as big-endian unsigned 32-bit integers, base64
 * (standard alphabet, with padding): 4 bytes per bucket instead of ~45 per row.
 *
 * <p>The server computes the same sums over its live rows of the scope. Equal sums mean the
 * bucket is in step (a false match needs a 32-bit collision); for each bucket that differs it
 * sends every row of the bucket, and the client replaces its rows of that bucket with them.
 *
 * <p>Both hashes are FNV-1a (32-bit) over the ASCII text, finished by MurmurHash3's fmix32 so
 * that the low bits used for the bucket are well mixed: {@code uidHash} over the canonical
 * lower-case uid (36 characters), {@code rowHash} over {@code "<uid>:<version>"} with the version in
 * decimal. Test vectors are in docs/protocol.md ("Held digest"); a client in any language reproduces them in a few lines.
 */
public final class HeldDigest {

    /** Most buckets one scope's digest may have (4 MiB of sums). */
    public static final int MAX_BUCKETS = 1 << 20;

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int[] sums;

    private HeldDigest(int[] sums) {
        this.sums = sums;
    }

    /** An empty digest of {@code buckets} buckets, to add rows to (clients and tests). */
    public static HeldDigest empty(int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException(buckets + " is not a power of two between 1 and " + MAX_BUCKETS);
        }
        return new HeldDigest(new int[buckets]);
    }

    /** Decodes a client's digest; {@code path} names the input field in errors. */
    public static HeldDigest decode(String text, String path) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(path, "is not base64 (standard alphabet with padding): " + e.getMessage());
        }
        int buckets = bytes.length / 4;
        if (bytes.length % 4 != 0 || buckets == 0 || Integer.bitCount(buckets) != 1 || buckets > MAX_BUCKETS) {
            throw new InvalidInputException(path, "holds " + bytes.length + " bytes; a digest is 4 bytes per bucket and its "
                    + "bucket count a power of two from 1 to " + MAX_BUCKETS);
        }
        int[] sums = new int[buckets];
        ByteBuffer.wrap(bytes).asIntBuffer().get(sums);
        return new HeldDigest(sums);
    }

    public String encode() {
        ByteBuffer bytes = ByteBuffer.allocate(sums.length * 4);
        bytes.asIntBuffer().put(sums);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    public int buckets() {
        return sums.length;
    }

    /** The bucket of {@code uid} in this digest. */
    public int bucket(UUID uid) {
        return uidHash(uid) & (sums.length - 1);
    }

    /** Adds a held row to its bucket. */
    public void add(UUID uid, long version) {
        sums[bucket(uid)] += rowHash(uid, version);
    }

    public int sum(int bucket) {
        return sums[bucket];
    }

    /** FNV-1a + fmix32 of the canonical uid text. */
    public static int uidHash(UUID uid) {
        return fmix32(fnvUid(uid));
    }

    /** FNV-1a + fmix32 of {@code "<uid>:<version>"}. */
    public static int rowHash(UUID uid, long version) {
        int h = fnv(fnvUid(uid), ':');
        String digits = Long.toString(version);
        for (int i = 0; i < digits.length(); i++) {
            h = fnv(h, digits.charAt(i));
        }
        return fmix32(h);
    }

    /** FNV-1a over the 36 characters of the canonical text of {@code uid}, without building the string. */
    private static int fnvUid(UUID uid) {
        int h = FNV_OFFSET;
        h = fnvHex(h, uid.getMostSignificantBits(), 60, 32);
        h = fnv(h, '-');
        h = fnvHex(h, uid.getMostSignificantBits(), 28, 16);
        h = fnv(h, '-');
        h = fnvHex(h, uid.getMostSignificantBits(), 12, 0);
        h = fnv(h, '-');
        h = fnvHex(h, uid.getLeastSignificantBits(), 60, 48);
        h = fnv(h, '-');
        return fnvHex(h, uid.getLeastSignificantBits(), 44, 0);
    }

    /** Hashes the hex digits of {@code bits} from the nibble at {@code fromShift} down to the one at {@code toShift}. */
    private static int fnvHex(int h, long bits, int fromShift, int toShift) {
        for (int shift = fromShift; shift >= toShift; shift -= 4) {
            h = fnv(h, HEX[(int) (bits >>> shift) & 0xf]);
        }
        return h;
    }

    private static int fnv(int h, char c) {
        return (h ^ c) * FNV_PRIME;
    }

    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
