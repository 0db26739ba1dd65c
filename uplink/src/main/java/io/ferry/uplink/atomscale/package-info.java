/**
 * The Atomscale multi-channel chunk uplink.
 *
 * <p>Invariants: one stream ({@code data_id}) per instrument, created by {@code initialize} and
 * committed to the uplink's durable state before any chunk uses it; {@code initialize} is never
 * retried blindly (an unclear outcome leads to a new stream, logged and counted); a chunk index is
 * claimed durably before its chunk is sent and never handed to other content; every chunk except the
 * final one (sent by {@code ferry atomscale finalize}) holds exactly {@code pointsPerChunk} finite
 * points per channel; non-finite values are never sent, only counted.
 */
package io.ferry.uplink.atomscale;
