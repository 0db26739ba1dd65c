package io.ferry.agent.runtime;

import io.ferry.agent.uplink.atomscale.AtomscaleUplinkFactory;
import io.ferry.agent.uplink.grovestreams.GroveStreamsUplinkFactory;
import io.ferry.agent.uplink.jsonl.JsonlUplinkFactory;
import io.ferry.drivers.mqtt.MqttDriverFactory;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import java.util.List;

/** The drivers, uplinks and optional services of this build, wired by hand. */
public final class StandardComponents {
  private StandardComponents() {}

  /** Fresh factories: a factory may hold resources shared by its instruments (a serial bus). */
  public static Components create() {
    return new Components(
        List.of(new SimulatedDriverFactory(), new MqttDriverFactory()),
        List.of(new JsonlUplinkFactory(), new GroveStreamsUplinkFactory(), new AtomscaleUplinkFactory()),
        List.of(MirrorExtra.planner()));
  }
}
