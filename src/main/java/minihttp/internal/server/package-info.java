/**
 * The engine's connections: the Reactor composition that serves one connection, its batches of responses, its
 * deadlines and its backpressure. Not API: its types are public only for {@code minihttp.server} and may change
 * at any time.
 */
package minihttp.internal.server;
