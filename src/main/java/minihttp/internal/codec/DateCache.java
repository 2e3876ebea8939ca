package minihttp.internal.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header value (RFC 9110 IMF-fixdate), formatted at most once per second. */
public final class DateCache {

    // IMF-fixdate needs a two-digit day; DateTimeFormatter.RFC_1123_DATE_TIME prints "2 Nov", so spell it out.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** One formatted second; replaced as a whole so readers on any thread see a consistent pair. */
    private record Stamp(long second, byte[] bytes) {}

    private static volatile Stamp current = format(System.currentTimeMillis() / 1000);

    private DateCache() {}

    /**
     * The current date as US-ASCII bytes. Refreshed lazily on the first call of each new second, so it is
     * never stale and no timer thread is needed; the hot path is one clock read and one compare.
     * Callers must not modify the returned array.
     */
    public static byte[] bytes() {
        long second = System.currentTimeMillis() / 1000;
        Stamp stamp = current;
        if (stamp.second != second) {
            stamp = format(second);
            current = stamp;
        }
        return stamp.bytes;
    }

    private static Stamp format(long second) {
        String text = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
        return new Stamp(second, text.getBytes(StandardCharsets.US_ASCII));
    }
}
