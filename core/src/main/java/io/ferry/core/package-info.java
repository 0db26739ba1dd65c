/**
 * Ferry's value types: channel ids, samples, qualities and the per-channel specification the
 * buffer and uplinks act on. No I/O and no dependencies beyond the JDK: every other module
 * points here.
 *
 * <p>Invariants: a {@link io.ferry.core.Sample}'s time is microseconds since the epoch and is
 * never rewritten after the driver produced it; a {@link io.ferry.core.ChannelId}'s parts match
 * {@code [A-Za-z0-9_.:-]{1,128}}; time comes from an injected {@link java.time.InstantSource}.
 */
package io.ferry.core;
