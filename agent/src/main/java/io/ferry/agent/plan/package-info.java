/**
 * Planning: turns the validated configuration into an immutable {@link io.ferry.agent.plan.AgentPlan}
 * (one {@link io.ferry.agent.plan.PlannedInstrument} per enabled instrument, one
 * {@link io.ferry.agent.plan.PlannedUplink} per uplink, optional services such as the mirror), using
 * the factories that {@link io.ferry.agent.plan.StandardComponents} wires explicitly.
 *
 * <p>Invariants: planning has no side effects (no device, network, file or thread is touched:
 * {@code ferry check} and {@code ferry plan} run exactly this); every problem is reported through
 * the configuration's {@link io.ferry.config.Problems} with its file, line and key path, never
 * thrown; a plan, once built, is not changed: the runtime ({@code io.ferry.agent.runtime}) only
 * starts what it describes.
 */
package io.ferry.agent.plan;
