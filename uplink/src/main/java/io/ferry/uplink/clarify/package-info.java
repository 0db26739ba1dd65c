/**
 * The Clarify uplink: JSON-RPC 2.0 {@code integration.insert} data frames and
 * {@code integration.saveSignals} metadata (api-notes §2, issue 11).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every request is at most {@code maxRequestBytes} (8 MiB) of uncompressed JSON: frames are
 *       cut by {@link io.ferry.uplink.clarify.DataFrames} from a byte count that is never below
 *       what is written. A record is never split over two frames.
 *   <li>Both RPC methods and token fetches go through the uplink's one {@link io.ferry.uplink.Exchange}:
 *       at most one request per {@code minInterval} (at least 1 s), on the injected clock.
 *   <li>A signal's metadata is saved before the first insert that carries its key, and again only
 *       when it changed; what was saved is committed to the buffer's uplink state first.
 *   <li>Times are explicit, so every insert is safe to resend (after a timeout, a 504, -32015).
 *       Only Clarify's own content errors (-32602 and the invalid-resource codes) dead-letter.
 * </ul>
 */
package io.ferry.uplink.clarify;
