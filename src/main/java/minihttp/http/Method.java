package minihttp.http;

/** The request methods of RFC 9110 and PATCH; anything else decodes as {@link #OTHER}. */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;
}
