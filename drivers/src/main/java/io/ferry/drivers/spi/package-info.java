/**
 * The driver SPI. A {@link io.ferry.drivers.spi.DriverFactory} validates an instrument's YAML
 * into an immutable {@link io.ferry.drivers.spi.DriverPlan} (no I/O), then opens a
 * {@link io.ferry.drivers.spi.Driver}: polled by the scheduler, or streaming into a
 * {@link io.ferry.drivers.spi.SampleSink}.
 *
 * <p>Invariants: drivers never see the buffer or uplinks (only samples leave them); time comes
 * from the injected clock; a driver never throws out of a background thread and never needs an
 * agent restart to recover from a device, server or network failure; bad bytes from a device
 * are counted and dropped, never turned into a value; a poll the driver skips (backing off, still
 * connecting) throws with its cause in words, never returns an empty list that would read as a
 * poll made. A driver that reads the device's history ({@link io.ferry.drivers.spi.DriverContext#history})
 * starts after what the buffer holds ({@link io.ferry.drivers.spi.HeldSourceTimes}), which the agent
 * answers without the driver seeing the buffer.
 *
 * <p>Writes: a driver that can write lists a {@link io.ferry.drivers.spi.WriteTarget} per channel
 * with a {@code write:} key in its plan and implements {@link io.ferry.drivers.spi.Writable}; it
 * sends on the instrument's own connection and thread, between polls, with the instrument's
 * timeout, and answers a {@link io.ferry.drivers.spi.WriteOutcome} (applied, rejected, failed,
 * unknown) with the reason in words. It never retries a write by itself: whether a failed write
 * may be sent again is the caller's decision (setpoints may, commands never).
 */
package io.ferry.drivers.spi;
