package minihttp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

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

    /** Continues over token characters: stops at the first byte that cannot be in a method or field name. */
    static final ByteProcessor TOKEN = b -> TCHAR[b & 0xff];
    /** Continues over request-target characters. */
    static final ByteProcessor TARGET = b -> TARGET_CHAR[b & 0xff];
    /** Continues over field-value characters. */
    static final ByteProcessor FIELD_VALUE = b -> FIELD_VALUE_CHAR[b & 0xff];

    private Ascii() {}

    /** The value of a hex digit, or -1 for any other byte. */
    static int hexValue(byte b) {
        return HEX_VALUE[b & 0xff];
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
