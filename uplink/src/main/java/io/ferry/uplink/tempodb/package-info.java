/**
 * The TempoDB uplink (legacy v1 REST API: increments and writes, HTTP Basic).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A lease's increments go out before its writes, each kind in one request: one distinct time
 *       to the bulk endpoint ({@code increment/}, {@code data/}), several to the multi endpoint
 *       ({@code multi/increment/}, {@code multi/}); series by key ({@code instrument/channel},
 *       rollups {@code instrument/channel/stat}); times ISO 8601 with milliseconds and {@code Z}.
 *   <li>Increment values are whole numbers; per series the fraction is carried to the next bucket
 *       ({@link io.ferry.uplink.tempodb.IncrementPlan}) and kept in the uplink's durable state:
 *       integers acknowledged + carry = deltas acknowledged.
 *   <li>Increments are not idempotent. A failure before the request body was written (DNS, connect
 *       refused, TLS handshake) is always retried. After it was written (timeout, reset, a 207 that
 *       cannot be matched to the points) the default is at most once: not resent, counted per series
 *       as outcome unknown with the summed value and the time of the latest (durable in the uplink
 *       state, never reset by Ferry; reported as {@link io.ferry.uplink.OutcomeUnknown} in the
 *       status, so health, {@code /api/status}, {@code ferry status} and metrics show it);
 *       {@code onAmbiguousIncrement: resend} makes it at least once. Writes are upserts and are
 *       always resent.
 *   <li>A 207 is read per point, in the order sent: stored points are acknowledged, 5xx/429/408
 *       points are sent again, other statuses are the API refusing that point: dead-lettered with its
 *       messages. A lease completes once, so points refused next to acknowledged ones are
 *       dead-lettered when they come back in the next lease, without being sent.
 *   <li>Classification is pure ({@link io.ferry.uplink.tempodb.TempoDbClassifier}).
 * </ul>
 */
package io.ferry.uplink.tempodb;
