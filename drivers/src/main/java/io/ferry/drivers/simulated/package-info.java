/**
 * The {@code simulated} driver: deterministic waveforms for demos, benchmarks and tests.
 *
 * <p>Invariants: every value is a pure function of the sample time (and, for the noisy
 * waveforms, of a seed), so a restart, a second run or a test reproduces exactly the same series;
 * planning reads every key through {@link io.ferry.config.Fields} into an immutable
 * {@link io.ferry.drivers.simulated.SimulatedPlan} with no I/O; polling does no I/O and uses only
 * the injected clock. The fault knobs ({@code failEvery}, {@code hang}) are the only state a
 * driver keeps (its poll count) and exist to exercise the scheduler.
 */
package io.ferry.drivers.simulated;
