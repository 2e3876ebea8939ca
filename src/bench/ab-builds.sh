#!/usr/bin/env bash
# Two builds of minihttp alternated by hand, for what the harness cannot do (it runs one build per invocation):
# each round starts each build fresh with one event loop, warms it up with two 5 s wrk runs on new connections,
# then measures one 8 s run: req/s, and CPU per request of the whole process (/proc/<pid>/stat, user + system).
# Usage, from the repository: src/bench/ab-builds.sh OLD_JAR NEW_JAR [CONNECTIONS=16384] [ROUNDS=3]
# (a JAR is a build's target/minihttp.jar; with `ulimit -n 20000` and a wide local port range for 16,384).
set -uo pipefail
OLD=$1 NEW=$2 C=${3:-16384} R=${4:-3}
PORT=19900
HZ=$(getconf CLK_TCK)
HEADERS=(-H 'Host: localhost' -H 'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7' -H 'Connection: keep-alive')
LOAD=(-s lua/pipeline.lua "http://127.0.0.1:$PORT/plaintext" -- 16)

run() { # JAR LABEL
  local log pid t0 t1 out requests
  log=$(mktemp)
  java -cp "$1" minihttp.app.Main --port $PORT --threads 1 --idle-timeout 600s >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.2; done
  for _ in 1 2; do wrk -t1 -c"$C" -d5s --timeout 8s "${HEADERS[@]}" "${LOAD[@]}" >/dev/null 2>&1; sleep 1; done
  t0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  out=$(wrk -t1 -c"$C" -d8s --timeout 8s "${HEADERS[@]}" "${LOAD[@]}" 2>&1)
  t1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null; rm -f "$log"
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  if [ -z "$requests" ]; then echo "$2 failed: $out"; return; fi
  awk -v l="$2" -v rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')" -v t="$((t1 - t0))" -v hz="$HZ" \
      -v n="$requests" 'BEGIN { printf "%s req/s %s, CPU %.3f us/req\n", l, rps, t / hz * 1e6 / n }'
}

for r in $(seq "$R"); do
  echo "round $r"
  if [ $((r % 2)) -eq 1 ]; then run "$OLD" old; run "$NEW" new; else run "$NEW" new; run "$OLD" old; fi
done
