package minihttp.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import minihttp.http.Method;

/** Recognises a request method from its bytes, comparing bytes with bytes. */
final class MethodNames {

    private static final Method[] VALUES = Method.values();
    private static final byte[][] NAMES = Arrays.stream(VALUES)
            .map(m -> m.name().getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private MethodNames() {}

    /** The method named by {@code bytes[from, to)}, or {@link Method#OTHER}; allocates nothing. */
    static Method of(byte[] bytes, int from, int to) {
        for (int i = 0; i < VALUES.length - 1; i++) {
            if (matches(bytes, from, to, NAMES[i])) {
                return VALUES[i];
            }
        }
        return Method.OTHER;
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
