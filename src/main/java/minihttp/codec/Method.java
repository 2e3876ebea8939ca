package minihttp.codec;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private static final Method[] VALUES = values();
    /** The names as ASCII bytes, so that recognising one compares bytes with bytes. */
    private static final byte[][] NAMES = java.util.Arrays.stream(VALUES)
            .map(m -> m.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    /** Recognises a method from {@code bytes[from, to)} without allocating. */
    static Method of(byte[] bytes, int from, int to) {
        for (int i = 0; i < VALUES.length - 1; i++) {
            if (matches(bytes, from, to, NAMES[i])) {
                return VALUES[i];
            }
        }
        return OTHER;
    }

    // A plain loop: names are a few bytes, too short for Arrays.equals' vectorised compare to pay for its call.
    private static boolean matches(byte[] bytes, int from, int to, byte[] name) {
        if (name.length != to - from) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (bytes[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }
}
