/**
 * Ferry's durable SQLite queue ({@link io.ferry.buffer.SqliteBuffer}): raw samples, interval
 * rollups and counter increments, leased per uplink. Full schema and invariants: see the
 * buffer README; summary:
 *
 * <ul>
 *   <li>One writer thread owns the only write connection; appends are committed in batches and an
 *       append future completes only after its batch committed.
 *   <li>{@code raw.seq} (the rowid) only grows, also across restarts ({@code buffer_meta.raw_seq}).
 *   <li>{@code raw.pending} is the bit mask of uplinks that still have to acknowledge a row; a row
 *       is deleted in the transaction that clears its last bit.
 *   <li>Leases live in memory only: a restart or an expired TTL makes their rows leasable again
 *       (at least once); an acknowledged row is never handed to that uplink again.
 * </ul>
 */
package io.ferry.buffer;
