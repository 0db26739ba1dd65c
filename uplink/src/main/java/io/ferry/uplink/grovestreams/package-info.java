/**
 * The GroveStreams batch feed uplink ({@code PUT /api/feed}).
 *
 * <p>Invariants: component = instrument, stream = channel (raw samples, random streams) or
 * {@code channel_stat} (rollups, interval streams); every value carries its explicit time, so a
 * resent PUT overwrites rather than duplicates; at most {@code maxStreams} (≤ 2,000) streams per PUT
 * and at least {@code minInterval} (10 s) between PUTs; a stream reported missing was not stored and
 * is sent again at once with its {@code defaults}; streams known to exist are kept in the uplink's
 * durable state ({@code known/component/stream}) so metadata is sent only when needed.
 */
package io.ferry.uplink.grovestreams;
