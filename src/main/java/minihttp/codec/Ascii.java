package minihttp.codec;

import io.netty.buffer.ByteBuf;

/** Byte classes of the HTTP grammar (RFC 9110 section 5.6) and in-place ASCII comparisons. */
final class Ascii {

    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte COLON = ':';

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] TARGET_CHAR = new boolean[256];
    private static final boolean[] FIELD_VALUE_CHAR = new boolean[256];
    private static final byte[] HEX_VALUE = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // Request targets are visible ASCII only (RFC 9112 section 3.2); spaces and CTLs end or break them.
        for (int c = 0x21; c < 0x7f; c++) {
            TARGET_CHAR[c] = true;
        }
        // field-value: VCHAR, obs-text, SP and HTAB; every other CTL (NUL, bare CR, ...) is an error.
        for (int c = 0x20; c < 256; c++) {
            FIELD_VALUE_CHAR[c] = c != 0x7f;
        }
        FIELD_VALUE_CHAR[HTAB] = true;
        java.util.Arrays.fill(HEX_VALUE, (byte) -1);
        for (int c = 0; c < 10; c++) {
            HEX_VALUE['0' + c] = (byte) c;
        }
        for (int c = 0; c < 6; c++) {
            HEX_VALUE['a' + c] = (byte) (10 + c);
            HEX_VALUE['A' + c] = (byte) (10 + c);
        }
    }

    // Eight bytes at a time ("SWAR"): long runs such as targets and field values are checked one getLong per
    // word, and only a word that may hold a bad byte is looked at byte by byte. A ByteProcessor would cost a
    // megamorphic call per byte, as forEachByte's one call site serves every byte class.
    private static final int WORD = Long.BYTES;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Ascii() {}

    /** The value of a hex digit, or -1 for any other byte. */
    static int hexValue(byte b) {
        return HEX_VALUE[b & 0xff];
    }

    /** The first byte in {@code [from, to)} that is not a token character (method, field name), or -1. */
    static int invalidToken(ByteBuf buf, int from, int to) {
        return firstNotIn(buf, from, to, TCHAR);
    }

    /** The first byte in {@code [from, to)} that cannot be in a request target, or -1. */
    static int invalidTarget(ByteBuf buf, int from, int to) {
        int i = from;
        for (; i + WORD <= to; i += WORD) {
            long word = buf.getLong(i);
            if ((word & HIGH_BITS) != 0 || anyBelow(word, 0x21) || anyEqual(word, 0x7f)) {
                return firstNotIn(buf, i, i + WORD, TARGET_CHAR);
            }
        }
        return firstNotIn(buf, i, to, TARGET_CHAR);
    }

    /** The first byte in {@code [from, to)} that cannot be in a field value, or -1. */
    static int invalidFieldValue(ByteBuf buf, int from, int to) {
        int i = from;
        for (; i + WORD <= to; i += WORD) {
            long word = buf.getLong(i);
            // HTAB is below 0x20 but allowed, so a flagged word may still be valid.
            if (anyBelow(word, 0x20) || anyEqual(word, 0x7f)) {
                int bad = firstNotIn(buf, i, i + WORD, FIELD_VALUE_CHAR);
                if (bad >= 0) {
                    return bad;
                }
            }
        }
        return firstNotIn(buf, i, to, FIELD_VALUE_CHAR);
    }

    /** Whether a byte of {@code word} is below {@code n} (at most 0x80); exact, as in "Bit Twiddling Hacks". */
    private static boolean anyBelow(long word, int n) {
        return ((word - ONES * n) & ~word & HIGH_BITS) != 0;
    }

    /** Whether a byte of {@code word} equals {@code b}. */
    private static boolean anyEqual(long word, int b) {
        long x = word ^ (ONES * b);
        return ((x - ONES) & ~x & HIGH_BITS) != 0;
    }

    private static int firstNotIn(ByteBuf buf, int from, int to, boolean[] byteClass) {
        for (int i = from; i < to; i++) {
            if (!byteClass[buf.getByte(i) & 0xff]) {
                return i;
            }
        }
        return -1;
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    /** Whether the bytes at {@code index} spell {@code text}, ASCII case folded when {@code ignoreCase}. */
    static boolean regionMatches(ByteBuf buf, int index, CharSequence text, boolean ignoreCase) {
        for (int i = 0, n = text.length(); i < n; i++) {
            int a = buf.getByte(index + i);
            int b = text.charAt(i);
            if (a != b && (!ignoreCase || toLower(a) != toLower(b))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the comma-separated list at {@code [from, to)} holds {@code token}, ignoring case (RFC 9110 5.6.1). */
    static boolean listContains(ByteBuf buf, int from, int to, CharSequence token) {
        int i = from;
        while (i < to) {
            int end = buf.indexOf(i, to, (byte) ',');
            if (end < 0) {
                end = to;
            }
            int s = i;
            int e = end;
            while (s < e && isWhitespace(buf.getByte(s))) {
                s++;
            }
            while (e > s && isWhitespace(buf.getByte(e - 1))) {
                e--;
            }
            if (e - s == token.length() && regionMatches(buf, s, token, true)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
