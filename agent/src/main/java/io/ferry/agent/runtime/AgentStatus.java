package io.ferry.agent.runtime;

import io.ferry.uplink.UplinkStatus;
import java.util.List;

/**
 * One look at the running agent, for the status line and health.
 *
 * @param polled samples read from instruments since start (also by instruments a reload removed or restarted)
 * @param buffered samples committed to the buffer since start
 * @param refused samples the buffer refused since start (disk full)
 * @param uploaded records acknowledged by all uplinks since start (also by uplinks a reload stopped or restarted)
 * @param backlog records waiting, summed over uplinks
 * @param pollErrors polls that gave no good sample since start: errors, timeouts, empty polls, ticks skipped during a driver's backoff
 * @param uplinks each uplink's status
 * @param extras status fragments of optional services (mirror)
 */
public record AgentStatus(
    long polled, long buffered, long refused, long uploaded, long backlog, long pollErrors,
    List<UplinkStatus> uplinks, List<String> extras) {

  /** {@code polled 84 | buffered 84 | uploaded 80 | backlog 4 | local: running}. */
  public String line() {
    StringBuilder sb = new StringBuilder()
        .append("polled ").append(polled)
        .append(" | buffered ").append(buffered)
        .append(" | uploaded ").append(uploaded)
        .append(" | backlog ").append(backlog);
    if (refused > 0) {
      sb.append(" | REFUSED ").append(refused);
    }
    if (pollErrors > 0) {
      sb.append(" | poll errors ").append(pollErrors);
    }
    for (UplinkStatus u : uplinks) {
      sb.append(" | ").append(u.name()).append(": ").append(u.state().name().toLowerCase().replace('_', ' '));
      u.lastError().ifPresent(e -> sb.append(" (").append(e).append(')'));
      u.notes().forEach(n -> sb.append(", ").append(n));
    }
    for (String e : extras) {
      if (!e.isEmpty()) {
        sb.append(" | ").append(e);
      }
    }
    return sb.toString();
  }
}
