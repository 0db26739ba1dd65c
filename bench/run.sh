#!/usr/bin/env bash
# Runs one benchmark: bench/run.sh NAME [ARGS...]
#   NAME is buffer, modbus, opcua or uplink; the class io.ferry.bench.<Name>Bench runs it.
# Builds what it needs first (tests skipped). JVM options: FERRY_BENCH_JVM (default per bench
# in bench/jvm/NAME.opts, else -Xmx1g). Figures go to bench/README.md by hand, with the command
# and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bench/run.sh buffer|modbus|opcua|uplink [args...]}
shift
class="io.ferry.bench.$(tr '[:lower:]' '[:upper:]' <<< "${name:0:1}")${name:1}Bench"
./mvnw -B -q -pl bench -am package -DskipTests >/dev/null
opts=${FERRY_BENCH_JVM:-$(cat "bench/jvm/$name.opts" 2>/dev/null || echo -Xmx1g)}
echo "# $(date -u +%FT%TZ) bench $name on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2086
exec java $opts -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$class" "$@"
