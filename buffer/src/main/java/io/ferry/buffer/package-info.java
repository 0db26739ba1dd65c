/**
 * Ferry's durable queue: {@link io.ferry.buffer.SqliteBuffer}, one SQLite file in WAL mode holding
 * raw samples, interval rollups and counter increments, each leased per uplink. The interface
 * ({@link io.ferry.buffer.Buffer}, {@link io.ferry.buffer.Lease}, the record types) is what drivers
 * and uplinks code against; everything else in the package is the SQLite implementation.
 *
 * <h2>Schema (user_version 3)</h2>
 *
 * <pre>
 * buffer_meta(key PK, value)             high-water marks: raw_seq, rollup_id, incr_id
 * channel(id PK, instrument, name)       dictionary: every row refers to a channel by integer key
 * uplink(bit PK 0..62, name UNIQUE)      each uplink owns one bit of the pending masks
 * raw(seq PK = rowid, ch, t, v, q, txt, pending)
 *                                        the raw queue; t = µs since epoch, v NULL for text/NaN,
 *                                        q = Quality code, pending = mask of uplinks still owed the row
 * rollup_open(ch, start PK, every, close_at, closed, revision, n, first, first_t, last, last_t, min, max, sum)
 *                                        open intervals (and, with reopenLate, recently closed ones)
 * rollup_pointset(ch, start, pts)        twa points of open intervals, one JSON array [[t,v],...]
 *                                        per (channel, interval, commit batch); migration 2
 *                                        replaced rollup_point(ch, start, t, v), a row per point
 * rollup(id PK, ch, start, every, n, first, last, min, max, sum, avg, twa, revision, pending)
 *                                        closed intervals waiting for uplinks
 * incr(id PK, ch, bucket, width, v, sealed, pending)
 *   UNIQUE(ch, bucket) WHERE sealed = 0  one growing row per bucket (upsert v = v + excluded.v)
 * counter_state(ch PK, value, t)         last read of each cumulative counter
 * source_time(ch PK, t, h)               newest source time ever stored per channel (t) and of the
 *                                        samples appended as history (h, NULL: none), kept after the
 *                                        rows are deleted: where a history backfill starts and resumes;
 *                                        migration 3
 * dropped(ch, reason PK, n)              every record not delivered, per channel and reason
 * kv(uplink, key PK, value)              uplinkState()
 * </pre>
 *
 * No secondary index on {@code raw}: the rowid is the sequence, leases scan it in order from a
 * per-uplink floor, acks delete rowid ranges. Tables this package does not create (for example the
 * mirror's {@code mirror_*} tables, written by their own connection) are never touched, but they
 * count toward the file's bytes.
 *
 * <h2>Parts</h2>
 *
 * <pre>
 * SqliteBuffer        the one actor: queue of commands, writer thread, commit batching, maintenance
 * BufferStore         transactions on the writer connection: append orchestration, lease records, acks, stats
 *   ChannelDictionary channel table in memory: keys, ranks in (instrument, channel) order, ensure
 *   LeaseScan         reading a lease: raw rows from the uplink's floor, closed rollups, lease ordering
 *   CompactSamples    a lease's raw samples as primitive arrays in lease order; records built on read
 *   RollupWriter      folding an append batch into rollup_open (RollupCloser closes intervals)
 *   Increments        counter/event deltas into incr and counter_state; scan and seal of ended buckets
 *   Shedding          byte budget (inside the append transaction) and maxAge (chunked transactions)
 *   ReportGate        report by exception: per-channel filter state and polled/suppressed counts
 *   UplinkState       the kv table
 *   SourceTimes       source_time: the batch's newest time (and history time) per channel, upserted with max()
 *   StoreTx           in-memory changes of one transaction, applied only after it committed
 * BufferInspector     read-only view for tools: stats, export, integrity (never the writer connection)
 * WriteAudit          the write_audit table (every write to an instrument) behind its own connection:
 *                     not part of the queue, not versioned by user_version, pruned by its own retention
 * Databases, Schema   opening, quarantine, pragmas, migrations
 * </pre>
 *
 * Every part below {@code BufferStore} is package-private, uses the writer connection and is
 * confined to the writer thread like the store itself; none opens its own transaction except
 * through the store ({@code Shedding.byAge} receives the store's transaction runner).
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>One process per file: {@code open} holds an exclusive OS lock on {@code FILE.lock}.
 *   <li>Exactly one writer: the thread {@code ferry-buffer-writer} owns the only write connection;
 *       every write (append batch, ack, seal, rollup close, shedding, key/value) is one short
 *       {@code BEGIN IMMEDIATE} transaction on it. Other processes read with their own read-only
 *       connections.
 *   <li>An append future completes only after the transaction holding its samples committed
 *       (durable on power cut under {@code synchronous=FULL}); when the transaction fails (disk
 *       full) every sample of the batch is refused, counted, and the future fails.
 *   <li>{@code raw.seq}, {@code rollup.id} and {@code incr.id} only grow, also across restarts and
 *       after the table was emptied ({@code buffer_meta}).
 *   <li>A raw row's {@code pending} bit of an uplink is cleared exactly when that uplink acks or
 *       rejects it; the transaction clearing the last bit deletes the row. The in-memory depth per
 *       uplink is derived once at open ({@code GROUP BY pending}) and afterwards changed only by
 *       committed transactions.
 *   <li>Leases live in memory only. A live lease's rows are never handed out again to the same
 *       uplink; an expired lease (TTL) or a restart makes them leasable again: delivery is at least
 *       once, and an acked row is never delivered again to that uplink.
 *   <li>A lease's raw segment {@code [lo, hi]} holds every row between its bounds that is still
 *       owed to its uplink (an ack deletes ranges on that ground). A lease by channel passes rows
 *       over; it ends a segment at each of them, and the uplink's scan floor never moves past
 *       a row passed over, so it is leased again by the next lease that chooses its channel.
 *   <li>Rollup state, counter state, increment buckets and {@code source_time} change in the same
 *       transaction as the samples that changed them: a crash leaves them consistent with the raw
 *       queue. {@code source_time} only grows.
 *   <li>Report by exception ({@link io.ferry.core.ReportFilter}) narrows only a raw row's
 *       {@code pending} mask: a suppressed sample is owed to the uplinks routing {@code raw-all}
 *       only (no row when there are none); rollups and increments are computed from every sample
 *       before the filter. The filter's state changes only when the append transaction commits,
 *       and lives in memory: after a restart the first sample of each channel is reported, so a
 *       suppressed sample is always within the band of a reported sample that is stored.
 *   <li>Nothing proportional to the backlog is held in the heap: leases are bounded, counts are
 *       kept incrementally, shedding and age passes work in bounded chunks.
 * </ul>
 */
package io.ferry.buffer;
