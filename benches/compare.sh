#!/usr/bin/env bash
# Compares vigil's open-loop load generator with wrk and oha against the
# embedded reference service (`vigil serve`) on this machine, one tool after
# the other: client CPU time per request (user + system, from GNU time) and
# the rate each one achieved. Needs `wrk` (Debian package) and `oha`
# (`cargo install oha`). Usage: [SWEEP="2000 4000 …"] benches/compare.sh [RATE] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-1000}      # total requests per second
DUR=${2:-20}         # measured seconds
CONN=${3:-64}        # connections / requests in flight
WARM=2
VIGIL=target/release/vigil
tmp=$(mktemp -d)
"$VIGIL" serve --addr 127.0.0.1:0 >"$tmp/url" 2>/dev/null &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
URL=$(head -n1 "$tmp/url")
MSG='I have been skipping meals all week and I feel dizzy when I stand up'
BODY="{\"message\":\"$MSG\",\"userId\":\"bench\",\"locale\":\"en-US\"}"

# vigil loads every endpoint a case has an expectation for: a one-case corpus
# with a Sentinel expectation only loads the Sentinel alone.
mkdir -p "$tmp/corpus"
cp corpora/resources.toml corpora/rules.toml "$tmp/corpus/"
cat >"$tmp/corpus/bench.toml" <<TOML
[corpus]
name = "bench"
[[case]]
id = "bench-001"
category = "bench"
text = "$MSG"
rationale = "Restriction with dizziness."
source = "bench"
[case.sentinel]
intervene = "either"
TOML

cpu() { awk '{print $1 + $2}' "$1"; }
per_req() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", c / n * 1e6; else print "n/a" }'; }

# vigil: open loop at RATE, latency from each request's due time.
/usr/bin/time -f "%U %S" -o "$tmp/vigil.time" "$VIGIL" gate --target "$URL" --corpus "$tmp/corpus" \
  --variants 0 --rate "$RATE" --duration-s "$DUR" --warmup-s "$WARM" --max-in-flight "$CONN" \
  --out "$tmp/vigil-out" --format json -q >"$tmp/vigil.txt" || true
v_sent=$(python3 -c "import json,sys; s=json.load(open('$tmp/vigil-out/summary.json')); e=s['endpoints']['sentinel']; print(e['dispatched'])")
v_rate=$(python3 -c "import json; s=json.load(open('$tmp/vigil-out/summary.json')); print(round(s['endpoints']['sentinel']['achieved_rate']))")
v_p99=$(python3 -c "import json; s=json.load(open('$tmp/vigil-out/summary.json')); print(s['latency']['sentinel']['corrected']['p99_ms'])")
v_total=$(( v_sent + RATE * WARM + 1 ))
echo "vigil  rate=$RATE/s achieved=$v_rate/s requests=$v_total cpu=$(cpu "$tmp/vigil.time")s per_request=$(per_req "$(cpu "$tmp/vigil.time")" "$v_total")us p99=${v_p99}ms ($(head -c 80 "$tmp/vigil.txt"))"

# oha: the same rate and connections, with its latency correction.
/usr/bin/time -f "%U %S" -o "$tmp/oha.time" oha -z "$((DUR + WARM))s" -q "$RATE" -c "$CONN" --latency-correction \
  -m POST -T application/json -d "$BODY" --no-tui --output-format json "$URL/v1/sentinel/check" >"$tmp/oha.json"
o_total=$(python3 -c "import json; d=json.load(open('$tmp/oha.json')); print(sum(d['statusCodeDistribution'].values()))")
o_p99=$(python3 -c "import json; d=json.load(open('$tmp/oha.json')); print(round(d['latencyPercentiles']['p99']*1000, 3))")
echo "oha    rate=$RATE/s achieved=$((o_total / (DUR + WARM)))/s requests=$o_total cpu=$(cpu "$tmp/oha.time")s per_request=$(per_req "$(cpu "$tmp/oha.time")" "$o_total")us p99=${o_p99}ms"

# wrk: closed loop as fast as it can (Debian's wrk has no fixed-rate mode).
cat >"$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
LUA
/usr/bin/time -f "%U %S" -o "$tmp/wrk.time" wrk -t2 -c"$CONN" -d"$((DUR + WARM))s" -s "$tmp/post.lua" "$URL/v1/sentinel/check" >"$tmp/wrk.txt"
w_total=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
echo "wrk    rate=max achieved=$((w_total / (DUR + WARM)))/s requests=$w_total cpu=$(cpu "$tmp/wrk.time")s per_request=$(per_req "$(cpu "$tmp/wrk.time")" "$w_total")us (closed loop: $(grep -E 'Latency' "$tmp/wrk.txt" | xargs))"

# The highest sustainable rate: vigil and oha at rising rates (SWEEP, total
# requests per second), 5 s each. vigil's run is valid when it dispatched 99%
# of its schedule with its own lag p99 under 10 ms; oha's "achieved" is what it
# completed.
for r in ${SWEEP:-}; do
  "$VIGIL" gate --target "$URL" --corpus "$tmp/corpus" --variants 0 --rate "$r" --duration-s 5 \
    --warmup-s 1 --max-in-flight "$CONN" --out "$tmp/sweep" --format json -q >/dev/null 2>&1 || true
  python3 - "$tmp/sweep/summary.json" "$r" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); e = s["endpoints"]["sentinel"]; l = s["latency"]["sentinel"]
print(f"vigil  rate={sys.argv[2]}/s achieved={e['achieved_rate']:.0f}/s verdict={s['verdict']} "
      f"lag_p99={l['lag']['p99_ms']}ms service_p99={l['service']['p99_ms']}ms corrected_p99={l['corrected']['p99_ms']}ms")
PY
  oha -z 6s -q "$r" -c "$CONN" --latency-correction -m POST -T application/json -d "$BODY" --no-tui \
    --output-format json "$URL/v1/sentinel/check" >"$tmp/oha-sweep.json"
  python3 - "$tmp/oha-sweep.json" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); n = sum(d["statusCodeDistribution"].values())
print(f"oha    rate={sys.argv[2]}/s achieved={n / 6:.0f}/s p99={d['latencyPercentiles']['p99'] * 1000:.3f}ms")
PY
done
