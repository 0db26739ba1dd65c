#!/usr/bin/env bash
# CPU and memory cost of the status server (agent.yaml http:) under the same workload, on vs off:
#   bench/status-server.sh [SECONDS] [ROUNDS]     (WARMUP=20 seconds before measuring)
# Runs `ferry run` on INSTRUMENTS simulated instruments (CHANNELS channels each, polled every
# POLL) with a jsonl uplink, alternately without and with http:, ROUNDS times each, SECONDS each.
# While http: is on, a client plays a pessimistic viewer: the status page's data every second
# (the page itself refreshes every 5 s) and a Prometheus scrape of /metrics every 15 s.
# Prints per run the process CPU seconds (utime+stime from /proc) spent in the SECONDS after a
# warm-up (start-up and JIT excluded) and peak RSS (VmHWM), then the medians and on/off ratios. Uses agent/target/ferry.jar (built when missing; JAR=... overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
warmup=${WARMUP:-20}
rounds=${2:-2}
instruments=${INSTRUMENTS:-10}
channels=${CHANNELS:-5}
poll=${POLL:-200ms}
jar=${JAR:-agent/target/ferry.jar}
[ -f "$jar" ] || ./mvnw -B -q -DskipTests -pl agent -am package >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tck=$(getconf CLK_TCK)
port=$((20000 + RANDOM % 20000))

config() { # $1 = dir, $2 = on|off
  mkdir -p "$1/instruments.d"
  {
    echo "gatewayId: bench"
    echo "stateDir: $1/state"
    echo "buffer: {synchronous: normal, maxSize: 1GiB}"
    echo "uplinks: {local: {type: jsonl, path: uploaded.jsonl}}"
    [ "$2" = on ] && echo "http: {listen: \"127.0.0.1:$port\"}"
  } > "$1/agent.yaml"
  for i in $(seq 1 "$instruments"); do
    {
      echo "id: inst$i"; echo "driver: simulated"; echo "poll: $poll"; echo "uplinks: [local]"; echo "channels:"
      for c in $(seq 1 "$channels"); do echo "  - {name: c$c, wave: random-walk, seed: $((i * 100 + c))}"; done
    } > "$1/instruments.d/inst$i.yaml"
  done
}

viewer() { # polls like a person with the page open and a Prometheus server
  local n=0
  while sleep 1; do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/status" || true
    n=$((n + 1))
    if [ $((n % 15)) -eq 0 ]; then curl -s -o /dev/null "http://127.0.0.1:$port/metrics" || true; fi
  done
}

run() { # $1 = on|off; prints "cpu_seconds rss_kib"
  local dir="$work/$1-$RANDOM"
  config "$dir" "$1"
  java -Xmx256m -jar "$jar" run --config "$dir" --status-every 1h >"$dir/log" 2>&1 &
  local pid=$!
  local vpid=""
  if [ "$1" = on ]; then viewer & vpid=$!; fi
  sleep "$warmup"
  local stat0; stat0=$(cat /proc/$pid/stat)
  sleep "$seconds"
  local stat; stat=$(cat /proc/$pid/stat)
  local rss; rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  [ -n "$vpid" ] && kill "$vpid" 2>/dev/null
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # fields 14 and 15 of /proc/PID/stat: utime and stime in clock ticks (after the ") " of the name)
  local t0; t0=$(echo "$stat0" | awk '{ sub(/^.*\) /, ""); print $12 + $13 }')
  echo "$stat" | awk -v t="$tck" -v r="$rss" -v t0="$t0" '{ sub(/^.*\) /, ""); printf "%.2f %d\n", ($12 + $13 - t0) / t, r }'
}

echo "# $(date -u +%FT%TZ) status server on/off on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# $instruments instruments x $channels channels every $poll, jsonl uplink, ${seconds}s measured after ${warmup}s per run, $rounds rounds"
off=(); on=()
for r in $(seq 1 "$rounds"); do
  o=$(run off); echo "off round $r: cpu ${o% *} s, peak rss ${o#* } KiB"; off+=("$o")
  n=$(run on); echo "on  round $r: cpu ${n% *} s, peak rss ${n#* } KiB"; on+=("$n")
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
cpu_off=$(printf '%s\n' "${off[@]}" | cut -d' ' -f1 | median)
cpu_on=$(printf '%s\n' "${on[@]}" | cut -d' ' -f1 | median)
rss_off=$(printf '%s\n' "${off[@]}" | cut -d' ' -f2 | median)
rss_on=$(printf '%s\n' "${on[@]}" | cut -d' ' -f2 | median)
echo "median off: cpu $cpu_off s, peak rss $rss_off KiB"
echo "median on:  cpu $cpu_on s, peak rss $rss_on KiB"
awk -v a="$cpu_on" -v b="$cpu_off" -v c="$rss_on" -v d="$rss_off" 'BEGIN { printf "on/off: cpu %.2fx, peak rss %.2fx\n", a / b, c / d }'
echo "# end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
