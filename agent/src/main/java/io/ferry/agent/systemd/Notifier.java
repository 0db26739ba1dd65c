package io.ferry.agent.systemd;

/**
 * Sends one message of the {@code sd_notify} protocol ({@code KEY=VALUE} lines, for example
 * {@code READY=1\nSTATUS=polling 3 instruments}). Never throws: systemd integration must not stop
 * the agent; a failed send is logged by the implementation.
 */
@FunctionalInterface
public interface Notifier {
  void send(String message);

  /** When Ferry is not started by systemd (no {@code $NOTIFY_SOCKET}). */
  Notifier NONE = message -> {};
}
