package io.ferry.uplink.sparkplug;

import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's side of {@link SparkplugKillTest}, in its own JVM: a real buffer and a sparkplug
 * uplink that delivers one sample, says {@code DELIVERED} on stdout, then waits to be killed.
 */
public final class SparkplugChild {
  private SparkplugChild() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path dir = Path.of(args[1]);
    Buffer buffer = UplinkTesting.buffer(dir, SparkplugFixtures.specs("sp"), InstantSource.system());
    Problems problems = new Problems();
    SparkplugUplinkFactory factory = new SparkplugUplinkFactory();
    UplinkPlan plan = factory.plan(UplinkTesting.section("sp", "sparkplug", "url: " + url + "\ngroup: plant\n", problems, Map.of()),
        UplinkTesting.agent(dir, "gw-7"), SparkplugFixtures.instruments("sp")).orElseThrow();
    buffer.append(List.of(Sample.of(SparkplugFixtures.LEVEL, MicroTime.now(InstantSource.system()), 1.0))).join();
    UplinkService s = factory.open(plan, UplinkContext.system(buffer));
    s.start();
    while (s.status().recordsDelivered() < 1) {
      LockSupport.parkNanos(10_000_000L); // a child process polling its own progress; the test waits on its output
    }
    System.out.println("DELIVERED");
    System.out.flush();
    while (true) {
      LockSupport.park(); // until SIGKILL
    }
  }
}
