#!/usr/bin/env bash
# Runs one benchmark: bench/run.sh NAME [ARGS...]
#   NAME is buffer, footprint, modbus, opcua, report or uplink; the class io.ferry.bench.<Name>Bench runs it.
# Builds what it needs first (tests skipped). JVM options: FERRY_BENCH_JVM (default per bench
# in bench/jvm/NAME.opts, else -Xmx1g). Figures go to bench/README.md by hand, with the command
# and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bench/run.sh buffer|footprint|modbus|opcua|report|uplink [args...]}
shift
class="io.ferry.bench.$(tr '[:lower:]' '[:upper:]' <<< "${name:0:1}")${name:1}Bench"
./mvnw -B -q -pl bench -am package -DskipTests >/dev/null
opts=${FERRY_BENCH_JVM:-$(cat "bench/jvm/$name.opts" 2>/dev/null || echo -Xmx1g)}
echo "# $(date -u +%FT%TZ) bench $name on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
if [ "$name" = footprint ]; then
  # The agent runs as a child process started by systemd/ferry.sh (the shipped launcher, with its
  # class data sharing) with the JAVA_OPTS and MALLOC_ARENA_MAX of systemd/ferry.default, next to
  # a baseline: the jar, launcher and ferry.default of FERRY_FOOTPRINT_BASELINE (default f19faa7,
  # the last commit before the footprint work), the jar built in a temporary clone.
  # FERRY_FOOTPRINT_BASELINE=none skips the baseline; FERRY_FOOTPRINT_JVM and FERRY_FOOTPRINT_ARENAS
  # replace this checkout's options (to try others).
  read_default() { (JAVA_OPTS=; MALLOC_ARENA_MAX=; eval "$(grep -E '^(JAVA_OPTS|MALLOC_ARENA_MAX)=')"; echo "$JAVA_OPTS"; echo "${MALLOC_ARENA_MAX:-}"); }
  mapfile -t now < <(read_default < systemd/ferry.default)
  ref=${FERRY_FOOTPRINT_BASELINE:-f19faa7}
  props=(-Dfootprint.clkTck="$(getconf CLK_TCK)" -Dfootprint.now.jar=agent/target/ferry.jar -Dfootprint.now.launcher=systemd/ferry.sh
    "-Dfootprint.now.jvm=${FERRY_FOOTPRINT_JVM:-${now[0]}}" "-Dfootprint.now.arenas=${FERRY_FOOTPRINT_ARENAS-${now[1]:-}}")
  if [ "$ref" != none ]; then
    sha=$(git rev-parse --short "$ref")
    base=bench/target/footprint-baseline-$sha
    if [ ! -f "$base.jar" ]; then
      tmp=$(mktemp -d)
      echo "# building the baseline jar of $sha in $tmp (tests skipped)"
      git clone -q --no-checkout . "$tmp/src" && git -C "$tmp/src" checkout -q "$sha"
      (cd "$tmp/src" && ./mvnw -B -q -o -pl agent -am package -DskipTests >/dev/null)
      cp "$tmp/src/agent/target/ferry.jar" "$base.jar"
      rm -rf "$tmp"
    fi
    git show "$sha:systemd/ferry.sh" > "$base.sh"
    mapfile -t old < <(git show "$sha:systemd/ferry.default" | read_default)
    props+=(-Dfootprint.baselineJar="$base.jar" -Dfootprint.baseline.jar="$base.jar" -Dfootprint.baseline.launcher="$base.sh"
      "-Dfootprint.baseline.jvm=${old[0]}" "-Dfootprint.baseline.arenas=${old[1]:-}")
    echo "# baseline: commit $sha ($(git log -1 --format=%s "$sha" | cut -c1-70))"
  fi
  # shellcheck disable=SC2086
  exec java $opts "${props[@]}" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$class" "$@"
fi
# shellcheck disable=SC2086
exec java $opts -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$class" "$@"
