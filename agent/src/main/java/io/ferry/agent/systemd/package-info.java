/**
 * Ferry under systemd: the {@code sd_notify} protocol spoken over {@code $NOTIFY_SOCKET} with
 * libc through JNA ({@link io.ferry.agent.systemd.NotifySocket}), the status and watchdog beat
 * ({@link io.ferry.agent.systemd.ServiceNotifier}), the signals {@code ferry reload} sends, and the
 * handlers for SIGTERM, SIGINT and SIGHUP ({@link io.ferry.agent.systemd.Signals}), installed before
 * anything starts so that a stop during start-up is as clean as any other (exit 0).
 *
 * <p>Invariants: nothing here can stop the agent: a missing or broken notify socket only disables
 * notification (logged once); {@code WATCHDOG=1} is sent only while the agent reports no stalled
 * poll loop or uplink runner (stalled = past the step's own deadline plus {@code --stall-after},
 * so a long configured timeout never stops the pings), so a hang ends the pings and systemd
 * restarts Ferry; every {@code STATUS=} is a single line.
 */
package io.ferry.agent.systemd;
