package io.ferry.uplink.jsonl;

import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.nio.file.Path;
import java.util.List;

/** A jsonl uplink: where the lines go. */
public record JsonlPlan(String name, Path path, RunnerSettings runner) implements UplinkPlan {
  public static final String TYPE = "jsonl";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> describe() {
    return List.of("append JSON lines to " + path + ", acknowledged after fsync, " + runner.batchRecords() + " records per write");
  }
}
