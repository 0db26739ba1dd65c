/**
 * The upload engine and the uplink SPI.
 *
 * <p>The agent wires, for each {@code uplinks:} entry of agent.yaml, the {@link
 * io.ferry.uplink.UplinkFactory} of its type: {@code plan} (pure, every problem reported through
 * {@code Fields}) then {@code open} with an {@link io.ferry.uplink.UplinkContext} (buffer, clock,
 * HTTP client, sleeper, randomness, and the agent's {@link io.ferry.uplink.InstrumentWatch}: which
 * instruments are down by its health verdict, so an uplink never judges "up" on its own), then {@code start}/{@code close}/{@code status} on the returned
 * {@link io.ferry.uplink.UplinkService}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A plan holds the uplink's own keys, never a copy of the instruments' channels: what a
 *       handler needs to know about a channel (unit, description, kind, rollup statistics,
 *       instrument name) it reads from the live {@link io.ferry.uplink.ChannelCatalog} of its
 *       {@link io.ferry.uplink.UplinkContext}, once per lease. So a reload that adds, changes or
 *       removes instruments leaves the plan equal and the uplink running (no lost lease work, no new
 *       session); only a change of the uplink's own section restarts it. Clarify, Atomscale and
 *       Sparkplug still derive per-instrument series, streams or devices in their plans and are
 *       restarted by an instrument change routed to them.
 *   <li>One thread per uplink ({@link io.ferry.uplink.UplinkRunner}); a failing or paused uplink
 *       only ever blocks itself. Its loop: lease → the API's {@link io.ferry.uplink.BatchHandler}
 *       encodes (streaming, {@link io.ferry.uplink.JsonBody}), sends through the
 *       {@link io.ferry.uplink.Exchange} (timeouts, pacing, byte counting, cancel on close) and
 *       returns a sealed {@link io.ferry.uplink.Delivery} → the runner completes the lease with
 *       exactly one completion call.
 *   <li>A record is acknowledged only after the API (or the disk, for jsonl) confirmed it. Anything
 *       unclear (timeout, dropped connection, unreadable answer) leaves it buffered and is sent again:
 *       delivery is at least once, and each API's encoding makes a resend harmless (explicit times,
 *       chunk indexes).
 *   <li>Classification of answers is one pure function per API over (status, body, headers), built on
 *       {@link io.ferry.http.HttpClassifier} (module {@code http}), and returns a sealed
 *       {@link io.ferry.http.Verdict}.
 *   <li>Time comes from the injected clock and waits from the injected {@link io.ferry.core.Sleeper};
 *       OkHttp's own retry on connection failure is off (resending is the uplink's decision).
 *   <li>Every step carries its own deadline ({@link io.ferry.uplink.UplinkService#dueBy}): the
 *       engine's part of a step is due at once, a call through the {@link io.ferry.uplink.Exchange}
 *       by its start plus the uplink's {@code timeout}, a pacing wait by its end, a handler's own
 *       call (MQTT) by what it declares with {@code Exchange#dueWithin}. A watchdog counts a step as
 *       hung only past that deadline plus its margin, so any configured timeout is safe.
 *   <li>Records sent once and not again although their outcome is unknown (TempoDB increments by
 *       default) are counted per series and reported as {@link io.ferry.uplink.OutcomeUnknown} in
 *       {@link io.ferry.uplink.UplinkStatus}, never only logged.
 *   <li>Only an API's own classifier dead-letters records, and only for an answer in that API's
 *       error shape about this request's content; every other non-success (redirect, 404/405/410,
 *       HTML, an answer of another shape) pauses the uplink ({@code PAUSED_CONFIG}) and keeps the
 *       records. Redirects are never followed.
 *   <li>Secrets reach only request headers/URLs; answer bodies pass through
 *       {@link io.ferry.http.Redact#echo} before anything quotes them, exceptions through
 *       {@link io.ferry.http.Redact#describe} (URLs without query or user info).
 * </ul>
 */
package io.ferry.uplink;
