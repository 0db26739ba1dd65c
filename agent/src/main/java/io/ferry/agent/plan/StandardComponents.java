package io.ferry.agent.plan;

import io.ferry.drivers.modbus.ModbusDriverFactory;
import io.ferry.drivers.mqtt.MqttDriverFactory;
import io.ferry.drivers.opcua.OpcUaDriverFactory;
import io.ferry.drivers.serial.SerialDriverFactory;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import io.ferry.uplink.atomscale.AtomscaleUplinkFactory;
import io.ferry.uplink.clarify.ClarifyUplinkFactory;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import io.ferry.uplink.jsonl.JsonlUplinkFactory;
import io.ferry.uplink.mqtt.MqttUplinkFactory;
import io.ferry.uplink.sparkplug.SparkplugUplinkFactory;
import io.ferry.uplink.tempodb.TempoDbUplinkFactory;
import java.util.List;

/** The drivers, uplinks and optional services of this build, wired by hand. */
public final class StandardComponents {
  private StandardComponents() {}

  /** Fresh factories: a factory may hold resources shared by its instruments (a serial bus). */
  public static Components create() {
    return new Components(
        List.of(new SimulatedDriverFactory(), new ModbusDriverFactory(), new SerialDriverFactory(), new MqttDriverFactory(),
            new OpcUaDriverFactory()),
        List.of(new JsonlUplinkFactory(), new GroveStreamsUplinkFactory(), new AtomscaleUplinkFactory(),
            new ClarifyUplinkFactory(), new TempoDbUplinkFactory(), new MqttUplinkFactory(), new SparkplugUplinkFactory()),
        List.of(MirrorExtra.planner()));
  }
}
