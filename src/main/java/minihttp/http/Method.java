package minihttp.http;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    /** GET. */
    GET,
    /** HEAD: GET's headers, no body. */
    HEAD,
    /** POST. */
    POST,
    /** PUT. */
    PUT,
    /** DELETE. */
    DELETE,
    /** CONNECT: not supported by this server (501). */
    CONNECT,
    /** OPTIONS. */
    OPTIONS,
    /** TRACE. */
    TRACE,
    /** PATCH (RFC 5789). */
    PATCH,
    /** Any other method: answered with 501 by the server. */
    OTHER
}
