/**
 * Ferry's value types: channel ids, samples, qualities and the per-channel specification the
 * buffer and uplinks act on (with {@link io.ferry.core.ReportFilter}, report by exception as a pure
 * function the buffer's writer applies); and the primitives every module shares instead of writing its own:
 * {@link io.ferry.core.Backoff} (retry delays), {@link io.ferry.core.RetryAfter} (the HTTP
 * header), {@link io.ferry.core.Sleeper} (every wait) and {@link io.ferry.core.Ticker} (elapsed
 * time). No I/O and no dependencies beyond the JDK: every other module points here.
 *
 * <p>Invariants: a {@link io.ferry.core.Sample}'s time is microseconds since the epoch and is
 * never rewritten after the driver produced it; a {@link io.ferry.core.ChannelId}'s parts match
 * {@code [A-Za-z0-9_.:-]{1,128}}; time comes from an injected {@link java.time.InstantSource},
 * elapsed time from an injected {@link io.ferry.core.Ticker}, randomness from an injected
 * {@link java.util.random.RandomGenerator}, and waits from an injected
 * {@link io.ferry.core.Sleeper} (the one piece here that blocks, via {@code Thread.sleep} only).
 */
package io.ferry.core;
