package io.ferry.drivers.opcua;

import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.spi.DriverPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Everything an OPC UA instrument needs, validated once. Immutable. */
public record OpcUaPlan(
    InstrumentInfo instrument,
    AcquisitionMode mode,
    ConnectionSettings connection,
    TimestampSource timestamps,
    SubscriptionSettings subscription,
    List<NodePlan> nodes,
    boolean skipUnchanged,
    BackfillSettings backfill)
    implements DriverPlan {

  /** A plan without history backfill. */
  public OpcUaPlan(InstrumentInfo instrument, AcquisitionMode mode, ConnectionSettings connection, TimestampSource timestamps,
      SubscriptionSettings subscription, List<NodePlan> nodes, boolean skipUnchanged) {
    this(instrument, mode, connection, timestamps, subscription, nodes, skipUnchanged, BackfillSettings.OFF);
  }

  /** A plan that delivers a polled value only when its source timestamp moved (the default). */
  public OpcUaPlan(InstrumentInfo instrument, AcquisitionMode mode, ConnectionSettings connection, TimestampSource timestamps,
      SubscriptionSettings subscription, List<NodePlan> nodes) {
    this(instrument, mode, connection, timestamps, subscription, nodes, true);
  }

  public OpcUaPlan {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(backfill, "backfill");
    nodes = List.copyOf(nodes);
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    ConnectionSettings c = connection;
    lines.add("opcua " + c.endpoint() + " security " + c.security() + ", user " + c.identity().tokenName()
        + (c.identity() instanceof Identity.UserPassword u ? " " + u.username() + " (password from " + u.password().source() + ")" : ""));
    if (mode == AcquisitionMode.POLL) {
      lines.add("poll every " + Durations.format(instrument.poll()) + ": one Read of " + nodes.size() + " node(s), "
          + (c.maxNodesPerRead() > 0 ? "at most " + c.maxNodesPerRead() + " per request" : "chunked to the server's MaxNodesPerRead"));
    } else {
      SubscriptionSettings s = subscription;
      lines.add("subscribe: publishing every " + Durations.format(s.publishingInterval()) + ", keep-alive every "
          + s.keepAliveCount() + " interval(s), recreated after " + s.staleIntervals() + " silent interval(s) ("
          + Durations.format(s.staleAfter()) + "), " + s.monitoredItemsPerCall() + " items per CreateMonitoredItems");
    }
    lines.add("timestamps: " + switch (timestamps) {
      case SOURCE -> "source time, else server time, else arrival time" + (mode == AcquisitionMode.POLL
          ? (skipUnchanged ? "; a value whose source time did not move is unchanged, not a new sample"
              : "; every poll delivers every value (skipUnchanged: false)") : "");
      case SERVER -> "server time, else arrival time";
      case AGENT -> "arrival time";
    });
    if (backfill.enabled()) {
      lines.add("backfill: after every connect, raw history of historizing nodes from the newest source time held (at most "
          + Durations.format(backfill.maxAge()) + " back) up to the first live value" + (mode == AcquisitionMode.SUBSCRIBE ? " (each channel's first notification)" : "") + ", "
          + backfill.valuesPerCall()
          + " values per node and call");
    }
    OpcUaWriter.targets(this).forEach(t -> lines.add("  " + t.request() + " <- " + t.channel().channel()));
    for (NodePlan n : nodes) {
      String detail = mode == AcquisitionMode.SUBSCRIBE
          ? " (sampling " + Durations.format(n.samplingInterval()) + ", queue " + n.queueSize() + ", " + Deadband.describe(n.deadband()) + ")"
          : "";
      lines.add("  " + n.channel().channel() + " <- " + n.node() + detail);
    }
    return lines;
  }

  @Override
  public List<io.ferry.drivers.spi.WriteTarget> writeTargets() {
    return OpcUaWriter.targets(this);
  }

  @Override
  public boolean streaming() {
    return mode == AcquisitionMode.SUBSCRIBE;
  }
}
