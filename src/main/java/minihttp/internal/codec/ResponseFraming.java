package minihttp.internal.codec;

import minihttp.internal.codec.ResponseEncoder.ConnectionHeader;

/**
 * How the end of a streamed response's body is told (RFC 9112 section 6.3): chunked, by the length its service
 * declared, or by the close of the connection when the response ends it anyway (HTTP/1.0 has no chunking, and a
 * response that says {@code Connection: close} needs none).
 */
public enum ResponseFraming {
    /** {@code Transfer-Encoding: chunked}: each element a chunk, the last chunk after the stream completes. */
    CHUNKED,
    /** The service declared {@code Content-Length}: the elements as they are, which must add up to it. */
    DECLARED_LENGTH,
    /** Neither: the close of the connection ends the body. */
    CLOSE_DELIMITED;

    /** The framing of {@code response} on a connection whose response says {@code connection}. */
    public static ResponseFraming of(EncodedResponse response, ConnectionHeader connection) {
        if (response.declaredLength() >= 0) {
            return DECLARED_LENGTH;
        }
        return connection == ConnectionHeader.NONE ? CHUNKED : CLOSE_DELIMITED;
    }

    /** The connection header the response is sent with: a close-delimited body always says close. */
    public ConnectionHeader connection(ConnectionHeader requested) {
        return this == CLOSE_DELIMITED ? ConnectionHeader.CLOSE : requested;
    }
}
