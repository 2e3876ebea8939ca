package minihttp.peers;

import java.nio.charset.StandardCharsets;
import minihttp.internal.codec.DateCache;

/** The TechEmpower plaintext response that every peer sends: same body and headers as minihttp's. */
final class Plaintext {

    static final String PATH = "/plaintext";
    static final String BODY = "Hello, World!";
    static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.US_ASCII);
    static final String CONTENT_LENGTH = Integer.toString(BODY_BYTES.length);
    static final String CONTENT_TYPE = "text/plain";

    /** The last Date bytes seen and their String, swapped together; a new String once a second, not per request. */
    private record Stamp(byte[] bytes, String text) {}

    private static volatile Stamp stamp = new Stamp(null, null);

    private Plaintext() {}

    /** The current {@code Date} header value, from minihttp's once-a-second cache. */
    static String date() {
        byte[] bytes = DateCache.bytes();
        Stamp s = stamp;
        if (s.bytes != bytes) {
            s = new Stamp(bytes, new String(bytes, StandardCharsets.US_ASCII));
            stamp = s;
        }
        return s.text;
    }
}
