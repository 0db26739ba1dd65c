package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedExtra;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.plan.PlannedUplink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a reload changes, worked out from the running and the new plan alone (pure). Plans are
 * records, so "changed" means the validated plan differs (a changed poll, channel, address,
 * resolved secret or route), not merely that a file was touched: a comment edit restarts nothing.
 *
 * @param removedInstruments ids to stop
 * @param addedInstruments to open and start
 * @param changedInstruments to stop and start again with the new plan
 * @param unchangedInstruments ids left running as they are (their tick schedule goes on)
 * @param removedUplinks names to stop
 * @param addedUplinks to start
 * @param changedUplinks to stop and start again
 * @param refusals changes a reload cannot apply (only a restart can); when not empty nothing is applied
 */
public record ReloadDiff(
    List<String> removedInstruments,
    List<PlannedInstrument> addedInstruments,
    List<PlannedInstrument> changedInstruments,
    List<String> unchangedInstruments,
    List<String> removedUplinks,
    List<PlannedUplink> addedUplinks,
    List<PlannedUplink> changedUplinks,
    List<String> refusals) {

  public ReloadDiff {
    removedInstruments = List.copyOf(removedInstruments);
    addedInstruments = List.copyOf(addedInstruments);
    changedInstruments = List.copyOf(changedInstruments);
    unchangedInstruments = List.copyOf(unchangedInstruments);
    removedUplinks = List.copyOf(removedUplinks);
    addedUplinks = List.copyOf(addedUplinks);
    changedUplinks = List.copyOf(changedUplinks);
    refusals = List.copyOf(refusals);
  }

  public static ReloadDiff between(AgentPlan running, AgentPlan next) {
    List<String> refusals = new ArrayList<>();
    String restart = ": a reload never reopens it; restart ferry (systemctl restart ferry) to apply this change";
    if (!running.stateDir().equals(next.stateDir())) {
      refusals.add("agent.yaml stateDir changed from " + running.stateDir() + " to " + next.stateDir() + restart);
    }
    if (!running.buffer().equals(next.buffer())) {
      refusals.add("agent.yaml buffer changed" + restart);
    }
    Map<String, List<String>> oldExtras = extras(running.extras());
    Map<String, List<String>> newExtras = extras(next.extras());
    if (!oldExtras.equals(newExtras)) {
      refusals.add("agent.yaml optional services changed (" + String.join(", ", union(oldExtras, newExtras)) + ")" + restart);
    }

    Map<String, PlannedInstrument> oldI = byKey(running.instruments(), i -> i.info().id());
    Map<String, PlannedInstrument> newI = byKey(next.instruments(), i -> i.info().id());
    List<String> removedI = new ArrayList<>();
    List<PlannedInstrument> addedI = new ArrayList<>();
    List<PlannedInstrument> changedI = new ArrayList<>();
    List<String> unchangedI = new ArrayList<>();
    oldI.keySet().stream().filter(id -> !newI.containsKey(id)).forEach(removedI::add);
    newI.forEach((id, pi) -> {
      PlannedInstrument old = oldI.get(id);
      if (old == null) {
        addedI.add(pi);
      } else if (sameInstrument(old, pi)) {
        unchangedI.add(id);
      } else {
        changedI.add(pi);
      }
    });

    Map<String, PlannedUplink> oldU = byKey(running.uplinks(), PlannedUplink::name);
    Map<String, PlannedUplink> newU = byKey(next.uplinks(), PlannedUplink::name);
    List<String> removedU = new ArrayList<>();
    List<PlannedUplink> addedU = new ArrayList<>();
    List<PlannedUplink> changedU = new ArrayList<>();
    oldU.keySet().stream().filter(n -> !newU.containsKey(n)).forEach(removedU::add);
    newU.forEach((name, pu) -> {
      PlannedUplink old = oldU.get(name);
      if (old == null) {
        addedU.add(pu);
      } else if (!old.plan().equals(pu.plan()) || old.factory().getClass() != pu.factory().getClass()) {
        changedU.add(pu);
      }
    });
    return new ReloadDiff(removedI, addedI, changedI, unchangedI, removedU, addedU, changedU, refusals);
  }

  private static boolean sameInstrument(PlannedInstrument a, PlannedInstrument b) {
    return a.factory().getClass() == b.factory().getClass() && a.plan().equals(b.plan());
  }

  /** True when nothing is to be done. */
  public boolean empty() {
    return removedInstruments.isEmpty() && addedInstruments.isEmpty() && changedInstruments.isEmpty()
        && removedUplinks.isEmpty() && addedUplinks.isEmpty() && changedUplinks.isEmpty();
  }

  /** {@code instruments: +b ~c -d, 3 unchanged; uplinks: ~cloud}, for the log and the status. */
  public String summary() {
    StringBuilder sb = new StringBuilder("instruments:");
    addedInstruments.forEach(i -> sb.append(" +").append(i.info().id()));
    changedInstruments.forEach(i -> sb.append(" ~").append(i.info().id()));
    removedInstruments.forEach(i -> sb.append(" -").append(i));
    sb.append(' ').append(unchangedInstruments.size()).append(" unchanged; uplinks:");
    int before = sb.length();
    addedUplinks.forEach(u -> sb.append(" +").append(u.name()));
    changedUplinks.forEach(u -> sb.append(" ~").append(u.name()));
    removedUplinks.forEach(u -> sb.append(" -").append(u));
    if (sb.length() == before) {
      sb.append(" unchanged");
    }
    return sb.toString();
  }

  private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
    Map<String, T> m = new LinkedHashMap<>();
    items.forEach(i -> m.put(key.apply(i), i));
    return m;
  }

  /** Extras have no value equality: compare their names and their {@code ferry plan} lines. */
  private static Map<String, List<String>> extras(List<PlannedExtra> extras) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    extras.forEach(e -> m.put(e.name(), e.describe()));
    return m;
  }

  private static List<String> union(Map<String, List<String>> a, Map<String, List<String>> b) {
    List<String> names = new ArrayList<>(a.keySet());
    b.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    return names.stream().filter(n -> !java.util.Objects.equals(a.get(n), b.get(n))).toList();
  }
}
