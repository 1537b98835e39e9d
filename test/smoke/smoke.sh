#!/usr/bin/env bash
# A CI smoke check with kt, as a pipeline would run it: no terminal, no prompts, exit codes
# and JSON checked. Starts kt's own broker on a free port with its own data and config
# directories, and stops it however the script ends.
#
#   test/smoke/smoke.sh [PORT]        (KT="node bin/run.js" by default; KT_SMOKE_PORT or PORT)
#
# Exit 0 when every step behaved as documented; otherwise the failing step is named on stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kt() { node "$ROOT/bin/run.js" "$@"; }
PORT="${1:-${KT_SMOKE_PORT:-19092}}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kt-smoke.XXXXXX")"
export KT_DATA_DIR="$WORK/data" KT_CONFIG_DIR="$WORK/config" CI=1
unset KT_PROFILE KT_BOOTSTRAP_SERVERS KT_LOCAL_PORT

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
step() { echo "smoke: $*" >&2; }
cleanup() {
  kt local stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# JSON through a parser: node reads stdin, evaluates an expression over `d`, prints it
json() { node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const d=JSON.parse(s);const v=eval(process.argv[1]);console.log(typeof v==="string"?v:JSON.stringify(v))})' "$1"; }

step "start the broker on 127.0.0.1:$PORT"
BOOTSTRAP="$(kt local start --port "$PORT")"
[ "$BOOTSTRAP" = "127.0.0.1:$PORT" ] || fail "kt local start printed '$BOOTSTRAP'"
kt local status --json | json 'd.running === true && d.address' | grep -qx "127.0.0.1:$PORT" || fail "kt local status"

step "create a topic"
kt topics create smoke --partitions 3 | grep -qx 'Created topic smoke.' || fail "kt topics create"

step "produce 100 records"
seq 1 100 | sed 's/^/record-/' | kt produce --topic smoke --quiet

step "cluster check"
kt cluster check --local --topic smoke >/dev/null || fail "kt cluster check --local --topic smoke exited $?"
[ "$(kt cluster check --local --topic smoke --json | json 'd.ok && d.topics[0].partitions')" = 3 ] || fail "cluster check --json"

step "consume to the end as JSON and count"
OUT="$WORK/consumed.jsonl"
kt consume --topic smoke --from-beginning --exit --output json >"$OUT" 2>"$WORK/consume.err"
grep -qx 'Processed a total of 100 messages' "$WORK/consume.err" || fail "consume summary: $(cat "$WORK/consume.err")"
COUNT="$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);const v=new Set(l.map(r=>r.value));console.log(l.length===100&&v.size===100&&l.every(r=>r.topic==="smoke")?l.length:"bad")' "$OUT")"
[ "$COUNT" = 100 ] || fail "consumed $COUNT"
[ "$(kt topics describe smoke --json | json 'd.topics[0].messageCount')" = 100 ] || fail "topics describe --json messageCount"
[ "$(kt offsets smoke --json | json 'd.partitions.reduce((n,p)=>n+p.offset,0)')" = 100 ] || fail "offsets --json"

step "a deliberately wrong step: a missing topic exits 1 and prints nothing on stdout"
set +e
kt cluster check --local --topic no-such-topic >"$WORK/wrong.out" 2>"$WORK/wrong.err"; CODE=$?
set -e
[ "$CODE" = 1 ] || fail "cluster check of a missing topic exited $CODE, expected 1"
[ ! -s "$WORK/wrong.out" ] || fail "cluster check of a missing topic wrote to stdout: $(cat "$WORK/wrong.out")"
grep -q '^kt: error: .*no-such-topic' "$WORK/wrong.err" || fail "no error line: $(cat "$WORK/wrong.err")"

step "a usage error exits 2 and prints nothing on stdout (no prompt without a terminal)"
set +e
kt consume --from-beginning --exit >"$WORK/usage.out" 2>"$WORK/usage.err" </dev/null; CODE=$?
set -e
[ "$CODE" = 2 ] || fail "consume without --topic exited $CODE, expected 2"
[ ! -s "$WORK/usage.out" ] || fail "usage error wrote to stdout"

step "stop the broker"
kt local stop >/dev/null 2>&1 || fail "kt local stop"
set +e
kt local status >/dev/null 2>&1; CODE=$?
set -e
[ "$CODE" = 1 ] || fail "kt local status after stop exited $CODE, expected 1"
step "ok"
