/**
 * Running services: {@link minihttp.server.HttpServer} is an immutable builder whose {@code bind()} returns the
 * running server; {@link minihttp.server.Limits}, {@link minihttp.server.Timeouts}, {@link minihttp.server.Tls} and
 * {@link minihttp.server.Transport} are its settings. Public API.
 */
package minihttp.server;
