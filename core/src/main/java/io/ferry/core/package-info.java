/**
 * Ferry's value types: channel ids, samples, qualities and the per-channel specification the
 * buffer and uplinks act on; and the duration {@link io.ferry.core.Sleeper} injected beside clocks. No I/O and no dependencies beyond the JDK: every other module
 * points here.
 *
 * <p>Invariants: a {@link io.ferry.core.Sample}'s time is microseconds since the epoch and is
 * never rewritten after the driver produced it; a {@link io.ferry.core.ChannelId}'s parts match
 * {@code [A-Za-z0-9_.:-]{1,128}}; time comes from an injected {@link java.time.InstantSource}
 * and waits from an injected {@link io.ferry.core.Sleeper} (the one piece here that blocks, via
 * {@code Thread.sleep} only).
 */
package io.ferry.core;
