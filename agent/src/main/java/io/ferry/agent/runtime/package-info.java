/**
 * The agent's runtime: the {@link io.ferry.agent.runtime.Scheduler} that polls instruments and
 * starts streaming drivers, handing every sample to one {@link io.ferry.drivers.spi.SampleSink}
 * (the buffer).
 *
 * <p>Invariants: each polling instrument has its own tick thread and its own poll thread, so a
 * slow or hung instrument never delays another; ticks are aligned to multiples of the poll
 * interval since the epoch, read from the injected {@link java.time.InstantSource}; a driver is
 * never polled by two threads at once; a poll running past {@code pollTimeout} is interrupted,
 * counted as a timeout and its result discarded; a tick that finds the previous poll still
 * running, or that passed while the thread was late, is skipped and counted, never queued; a
 * driver exception is counted and the next tick polls again, except
 * {@link io.ferry.drivers.spi.StillConnectingException}: a driver still connecting on its own
 * thread is neither failing nor timing out, and the tick is counted as skipped while connecting.
 * All waiting goes through the
 * injected {@link io.ferry.agent.runtime.Sleeper}, so tests drive time without sleeping.
 */
package io.ferry.agent.runtime;
