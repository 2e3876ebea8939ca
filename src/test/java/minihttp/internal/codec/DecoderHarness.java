package minihttp.internal.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import minihttp.http.BodyException;
import minihttp.http.Request;
import minihttp.server.Limits;

/**
 * Drives a {@link RequestDecoder} the way a connection does: each read is a pooled buffer released as soon as its
 * requests are handled, so a decoder that kept a view into a released read fails loudly. Produces one summary
 * line per request ({@code METHOD target VERSION|headers|body=...|keepAlive=...}) and {@code ERROR <status>}
 * when decoding fails. In streaming mode every body is taken from {@link Request#bodyStream()}, and the summary
 * is emitted when the stream ends.
 */
final class DecoderHarness {

    static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private DecoderHarness() {}

    static List<String> decode(List<String> reads, Limits limits, boolean stream) {
        List<byte[]> bytes = new ArrayList<>(reads.size());
        for (String read : reads) {
            bytes.add(read.getBytes(ISO_8859_1));
        }
        return decodeBytes(bytes, limits, stream);
    }

    static List<String> decodeBytes(List<byte[]> reads, Limits limits, boolean stream) {
        RequestDecoder decoder = new RequestDecoder(ALLOC, limits, request -> stream, ReadControl.NONE);
        List<String> out = new ArrayList<>();
        try {
            for (byte[] read : reads) {
                if (decoder.failed() || decoder.ended()) {
                    break; // the connection is closed: no more reads
                }
                ByteBuf in = ALLOC.directBuffer(Math.max(read.length, 1)).writeBytes(read);
                try {
                    decoder.feed(in);
                    Request r;
                    while ((r = decoder.poll()) != null) {
                        if (r.isBodyStreamed()) {
                            String head = head(r);
                            boolean keepAlive = r.keepAlive();
                            StringBuilder body = new StringBuilder();
                            r.bodyStream().subscribe(
                                    piece -> body.append(piece.toString(ISO_8859_1)),
                                    error -> out.add(head + "|STREAM ERROR " + ((BodyException) error).status().code()),
                                    () -> out.add(head + "|body=" + body + "|keepAlive=" + keepAlive));
                        } else {
                            out.add(head(r) + "|body=" + r.bodyAsString(ISO_8859_1) + "|keepAlive=" + r.keepAlive());
                        }
                    }
                    if (decoder.failed() && decoder.errorStatus() != null) {
                        out.add("ERROR " + decoder.errorStatus().code());
                    }
                    decoder.endRead();
                } finally {
                    in.release();
                }
            }
        } finally {
            decoder.release();
        }
        return out;
    }

    static String head(Request r) {
        StringBuilder s = new StringBuilder(r.toString());
        for (int i = 0; i < r.headerCount(); i++) {
            s.append('|').append(r.headerName(i)).append('=').append(r.headerValue(i));
        }
        return s.toString();
    }

    /** {@code \r}, {@code \n} and {@code \u0000}-style escapes, for readable test tables. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> out.append('\r');
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
