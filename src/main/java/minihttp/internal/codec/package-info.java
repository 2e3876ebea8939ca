/**
 * The engine's codec: requests decoded as views into the received buffers, responses encoded from precomputed
 * bytes. Not API: its types are public only for the engine's other package and may change at any time.
 */
package minihttp.internal.codec;
