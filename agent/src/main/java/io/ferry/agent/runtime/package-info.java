/**
 * The agent's runtime: the {@link io.ferry.agent.runtime.Scheduler} that polls instruments and
 * starts streaming drivers, handing every sample to one {@link io.ferry.drivers.spi.SampleSink}
 * (the buffer).
 *
 * <p>Invariants: each polling instrument has its own tick thread and its own poll thread, so a
 * slow or hung instrument never delays another; a fresh start polls at once, then ticks are
 * aligned to multiples of the poll interval since the epoch (the first at least half an interval
 * after the start), read from the injected {@link java.time.InstantSource}; a driver is
 * never polled by two threads at once; a poll running past {@code pollTimeout} is interrupted,
 * counted as a timeout and its result discarded; a tick that finds the previous poll still
 * running, or that passed while the thread was late, is skipped and counted, never queued; a
 * driver exception is counted and the next tick polls again, except
 * {@link io.ferry.drivers.spi.StillConnectingException}: a driver still connecting on its own
 * thread is neither failing nor timing out, and the tick is counted as skipped while connecting.
 * Only a poll that returned at least one GOOD sample is a success ({@link io.ferry.agent.runtime.PollOutcome},
 * the one place that decides it): a poll returning nothing or only bad values is counted as empty,
 * a {@link io.ferry.drivers.spi.BackingOffException} as skipped during a backoff, and none of them,
 * nor a connecting skip, error or timeout, moves the time of the last good sample, by whose age
 * health judges the instrument; each failure leaves its cause in words. Streaming instruments
 * record the time of their last batch with a good sample. Counters are per instrument id since the
 * agent first started it: a reload that restarts an instrument carries them on, totals keep the
 * counts of instruments a reload removed and of uplinks it stopped.
 * All waiting goes through the injected {@link io.ferry.core.Sleeper}, so tests drive time without
 * sleeping.
 *
 * <p>Up: {@link io.ferry.agent.runtime.InstrumentUp} is the one definition of an instrument being up
 * (its last good sample within its stale limit), worded by the health rule for {@code /health} and the
 * status page and handed to the uplinks by {@link io.ferry.agent.runtime.InstrumentUpWatch} (their
 * {@link io.ferry.uplink.InstrumentWatch}: the Sparkplug DDEATH/DBIRTH). The watch's one thread wakes
 * only when a verdict can change (a last good sample getting too old, the next poll of a down
 * instrument, a good poll of a down instrument) and tells the uplinks only on a change.
 *
 * <p>Reload ({@link io.ferry.agent.runtime.Reloader}, {@link io.ferry.agent.runtime.ReloadDiff}):
 * the new configuration is planned completely before anything changes, and any problem leaves the
 * running one as it is; otherwise only instruments and uplinks whose validated plan differs are
 * stopped and started, so an unchanged instrument keeps its threads and tick schedule, and a
 * restarted one resumes at the next tick after now (never polling a tick twice). The buffer is
 * never reopened by a reload. An instrument change restarts only that instrument: uplinks whose
 * section did not change keep running (their lease, their session), and the agent swaps the
 * {@link io.ferry.uplink.ChannelCatalog} they read channel metadata from before the new
 * instruments start, so the first samples of an added instrument already find their units and
 * kinds (uplink plans hold only their own keys; Clarify, Atomscale and Sparkplug, whose plans
 * still list per-instrument series, are the exceptions). Progress ({@link io.ferry.agent.runtime.Agent#stalled}) is read
 * from the same clock, and every step is judged against the deadline it was given: a tick thread
 * not awake by its wake time, a poll still in the driver after its timeout, an uplink step not
 * back by its call's deadline ({@link io.ferry.uplink.UplinkService#dueBy}: start plus the
 * uplink's own {@code timeout}), each by more than the grace ({@code --stall-after}), is a stall;
 * a failing or timed-out poll, a backoff, or a long call within its timeout is not. So no
 * configured timeout can trip the watchdog: the limits follow each other.
 *
 * <p>Writes ({@link io.ferry.agent.runtime.WriteService}, {@link io.ferry.agent.runtime.WriteRules}):
 * every write from every source goes through the one service; the rules (channel known, writable
 * by its instrument file and its driver, a value its encoding holds, inside min/max, within
 * maxRate) are a pure function decided before anything is sent; a write is recorded in the audit
 * before it is sent and its outcome after, so no write to a device is ever unrecorded; the service
 * never retries (the answer says whether a resend is safe: a setpoint that failed, never a
 * command, never after unknown); the driver runs it on the instrument's own connection between polls.
 * The sources: the local API ({@code ferry write}), the mirror
 * ({@link io.ferry.agent.runtime.SetpointFollower}: each datapoint's time stored before it is sent, so
 * at most once across a kill; with {@code reapply}, the last one once more when the watch tells the
 * instrument was down and is up again, the agent's one meaning of "the device restarted") and
 * uplinks that receive commands (the Sparkplug DCMD, through the {@link io.ferry.uplink.InstrumentWrites}
 * the agent hands them).
 */
package io.ferry.agent.runtime;
