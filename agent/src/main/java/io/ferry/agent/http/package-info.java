/**
 * The local status server: {@code /health}, {@code /metrics} (Prometheus), the status page.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Read-only but for one request: {@code POST /api/write} (off unless {@code http.writeApi},
 *       always behind the token, refused by the configuration without one) hands a write to the
 *       agent's {@link io.ferry.agent.runtime.WriteService}, which checks and records it; the
 *       status page and {@code /api/status} show the newest writes of its audit. The checks (enabled,
 *       token, body) run on the server's one worker; the write itself, which waits for the device,
 *       on a small write executor that answers it: {@code /health} never waits behind a write. Otherwise nothing
 *       here changes the agent; every request only reads an
 *       {@link io.ferry.agent.runtime.AgentSnapshot} (what the runtime, buffer, uplinks and mirror
 *       already count). The one measurement of its own is poll latency, given by the scheduler
 *       through {@link io.ferry.agent.runtime.PollListener}.
 *   <li>Bounded: metric labels are instruments, uplinks and fixed small sets, never channels;
 *       history is a fixed number of points per instrument and uplink ({@link io.ferry.agent.http.Ring}),
 *       recent errors a fixed number of distinct messages.
 *   <li>Off unless agent.yaml has {@code http:}; loopback unless {@code allowRemote} with a token.
 *       The token is compared in constant time and never logged.
 *   <li>Idle: one history thread wakes every few seconds; the server thread only per request.
 *   <li>The health rule ({@link io.ferry.agent.http.HealthRule}) is a pure function with table tests;
 *       {@link io.ferry.agent.http.HealthRule#instrument} words the one definition of an instrument being
 *       up ({@link io.ferry.agent.runtime.InstrumentUp}: a good sample within its stale limit):
 *       {@code /health}, {@code /api/status}, the status page, {@code ferry status} and
 *       {@code ferry_instrument_up} all read its verdict, never judge on their own (nor do the uplinks:
 *       the runtime's {@link io.ferry.agent.runtime.InstrumentUpWatch} hands them the same verdict).
 *   <li>Follows reloads: instruments come and go with the snapshots; an added one gets its metric
 *       series and history at the next look, a removed one loses them.
 *   <li>One count, every view: an uplink's outcome-unknown records ({@link io.ferry.uplink.OutcomeUnknown})
 *       reach {@code /health}, {@code /api/status}, the page, {@code ferry status} and
 *       {@code ferry_uplink_outcome_unknown_total} from the same status, never recounted here. Likewise
 *       report-by-exception counts: the buffer's per-channel polled/suppressed counts
 *       ({@link io.ferry.buffer.BufferStats#reported()}) are summed per instrument for the metrics and
 *       shown per channel in {@code /api/status} and on the page. A history backfill's progress
 *       ({@link io.ferry.agent.http.Health.Backfill}, from the driver's gauges) is the same in
 *       {@code /health}, {@code /api/status}, the page's backfill table and the metrics.
 *   <li>Every JSON answer says which agent it is ({@code agent.gatewayId}, absolute {@code agent.stateDir}),
 *       so {@code ferry status} never shows another agent's server as its configuration's.
 *   <li>A configured server that cannot listen is a start failure of {@code ferry run} (exit 3), never skipped.
 * </ul>
 */
package io.ferry.agent.http;
