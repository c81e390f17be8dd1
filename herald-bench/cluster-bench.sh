#!/usr/bin/env bash
# Publish->deliver latency and throughput: 3 hubs on one Redis stream versus one hub with SQLite,
# everything on loopback, started here and stopped on exit (BENCHMARKS.md, "Cluster on Redis Streams").
#   ./mvnw -B -o -q -pl herald-redis,herald-bench -am package -DskipTests
#   herald-bench/cluster-bench.sh [redis|sqlite]...        (default: redis sqlite)
# Paced runs send a fixed number of events on a schedule (a minute); saturation runs publish as fast
# as acks come for 40 s. HubLoad prints one result line per run (+ one per node) and "nothing lost".
# Env: BASE_PORT (default 19400), SCENARIOS (default "1k-paced 1k-sat 10k-paced 10k-sat"), SMOKE=1 (tiny runs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/herald-redis/target/herald.jar"
BENCH_JAR="$ROOT/herald-bench/target/benchmarks.jar"
BASE_PORT="${BASE_PORT:-19400}"
SCENARIOS="${SCENARIOS:-1k-paced 1k-sat 10k-paced 10k-sat}"
NOLIMITS=(--max-connections 0 --max-connections-per-address 0)
for jar in "$HUB_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (see the header of this script)" >&2; exit 2; }
done
command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 2; }
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_ready() { # url
  for _ in $(seq 600); do
    curl -fs -o /dev/null "$1/readyz" && return 0
    sleep 0.1
  done
  echo "hub at $1 never became ready" >&2; exit 1
}

start_hub() { # port store [args...]
  local port=$1 store=$2; shift 2
  mkdir -p "$WORK/hub$port"
  java -jar "$HUB_JAR" serve --port "$port" --data-dir "$WORK/hub$port" --store "$store" "${NOLIMITS[@]}" "$@" \
    > "$WORK/hub$port.log" 2>&1 &
  PIDS+=($!)
  HUB_PIDS+=($!)
  wait_ready "http://127.0.0.1:$port"
}

cpu_jiffies() { # busy and total jiffies of the whole machine, from /proc/stat
  awk '/^cpu /{t=0; for(i=2;i<=NF;i++) t+=$i; print t-$5-$6, t}' /proc/stat
}

run() { # label hubload-args...
  local label=$1; shift
  echo "== $label  (before: $(uptime | sed 's/.*load average/load average/'))"
  read -r b0 t0 < <(cpu_jiffies)
  java -cp "$BENCH_JAR" dev.herald.bench.HubLoad fanout "$@" || { echo "(HubLoad exit code $?: see above)"; FAILED=1; }
  read -r b1 t1 < <(cpu_jiffies)
  echo "== $label  (after: $(uptime | sed 's/.*load average/load average/');" \
    "machine busy $(( 100 * (b1 - b0) / (t1 - t0) ))% of $(nproc) cores over the run, all processes)"
}

scenarios() { # urls publish-to pids
  local urls=$1 to=$2 pids=$3 s
  local common=(--urls "$urls" --publish-to "$to" --hub-pid "$pids")
  if [[ "${SMOKE:-}" == 1 ]]; then
    run smoke "${common[@]}" --subscribers 300 --events 200 --rate 100 --publishers 4; return
  fi
  run warm-up "${common[@]}" --subscribers 1000 --events 2000 --duration 20 --publishers 4
  for s in $SCENARIOS; do
    case $s in
      1k-paced)  run "$s" "${common[@]}" --subscribers 1000 --events 3000 --rate 50 --publishers 16 ;;
      1k-sat)    run "$s" "${common[@]}" --subscribers 1000 --events 200000 --duration 40 --publishers 4 ;;
      10k-paced) run "$s" "${common[@]}" --subscribers 10000 --events 300 --rate 5 --publishers 4 ;;
      10k-sat)   run "$s" "${common[@]}" --subscribers 10000 --events 20000 --duration 40 --publishers 4 ;;
      *) echo "unknown scenario $s" >&2; exit 2 ;;
    esac
  done
}

stop_started() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f1-3)"
for store in "${@:-redis sqlite}"; do
  for store1 in $store; do
    HUB_PIDS=()
    if [[ $store1 == redis ]]; then
      RP=$BASE_PORT
      mkdir -p "$WORK/redis"
      redis-server --port "$RP" --bind 127.0.0.1 --dir "$WORK/redis" --save '' --appendonly yes \
        --appendfsync everysec > "$WORK/redis.log" 2>&1 &
      PIDS+=($!)
      REDIS_PID=$!
      for _ in $(seq 100); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
      urls=""
      for i in 1 2 3; do
        start_hub $((BASE_PORT + i)) redis --redis-url "redis://127.0.0.1:$RP/0"
        urls+="${urls:+,}http://127.0.0.1:$((BASE_PORT + i))"
      done
      echo "### redis: 3 hubs (pids ${HUB_PIDS[*]}) on redis-server pid $REDIS_PID (appendonly yes, everysec)"
      scenarios "$urls" spread "$(IFS=,; echo "${HUB_PIDS[*]}"),$REDIS_PID"
      echo "redis memory: $(redis-cli -p "$RP" info memory | grep -E '^used_memory:' | tr -d '\r')," \
        "stream length: $(redis-cli -p "$RP" xlen herald:stream)"
    else
      start_hub $((BASE_PORT + 10)) sqlite
      echo "### sqlite: 1 hub (pid ${HUB_PIDS[*]})"
      scenarios "http://127.0.0.1:$((BASE_PORT + 10))" first "${HUB_PIDS[*]}"
    fi
    stop_started
  done
done
exit "${FAILED:-0}" # 1 when a run lost events or HubLoad failed
