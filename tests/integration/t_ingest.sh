#!/bin/bash
# t_ingest.sh: `stackward ingest` loads timestamped results through the state engine into
# the store: exact intervals afterwards; out-of-order results, unknown checks and a missing
# time are refused with the line number and nothing is loaded; a freshness window turns a
# silence in the ingested history UNKNOWN.
. "$(dirname "$0")/lib.sh"
cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: d1
        services:
          - id: api
            checks:
              - {id: a, type: passive}
              - {id: b, type: http, url: "http://127.0.0.1:1/", max_attempts: 2}
          - id: beat
            checks:
              - {id: w, type: passive, freshness: 10m}
EOF
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
t0=1790812800 # 2026-10-01T00:00:00Z
line() { printf '{"check": "%s", "state": "%s", "output": "%s", "time": "%s"}\n' "$1" "$2" "$3" "$(iso "$4")"; }
{
    line acme/d1/api/a OK up $t0
    line acme/d1/api/b OK up $t0
    line acme/d1/beat/w OK tick $t0
    line acme/d1/api/a CRITICAL down $((t0 + 600))
    line acme/d1/api/b CRITICAL soft $((t0 + 600))
    line acme/d1/beat/w OK tick $((t0 + 300))
    echo ""
    line acme/d1/api/b CRITICAL hard $((t0 + 660))
    line acme/d1/api/a OK up $((t0 + 1800))
    line acme/d1/api/b OK up $((t0 + 1800))
    line acme/d1/beat/w OK tick $((t0 + 3600))
} >"$T/good.jsonl"
cp "$T/good.jsonl" "$T/bad.jsonl"
line acme/d1/api/a OK early $((t0 + 100)) >>"$T/bad.jsonl"
out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/bad.jsonl" 2>&1) && rc=0 || rc=$?
assert_eq "out of order: exit" 2 "$rc"
assert_match "out of order: line" "bad.jsonl:12: result for 'acme/d1/api/a' at $(iso $((t0 + 100))) is before its previous result" "$out"
line acme/d1/api/zzz OK x $t0 >"$T/unknown.jsonl"
out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/unknown.jsonl" 2>&1) && rc=0 || rc=$?
assert_eq "unknown check: exit" 2 "$rc"
assert_match "unknown check" "unknown.jsonl:1: no check 'acme/d1/api/zzz'" "$out"
echo '{"check": "acme/d1/api/a", "state": 0}' >"$T/notime.jsonl"
out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/notime.jsonl" 2>&1) && rc=0 || rc=$?
assert_eq "no time: exit" 2 "$rc"
assert_match "no time" 'notime.jsonl:1: "time" is required' "$out"
echo '{"check": "acme/d1/api/a", "state": ' >"$T/broken.jsonl"
out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/broken.jsonl" 2>&1) && rc=0 || rc=$?
assert_eq "broken JSON: exit" 2 "$rc"
assert_match "broken JSON" 'broken.jsonl:1: ' "$out"
# nothing was loaded by the refused files
assert_eq "nothing half-loaded" 0 "$(sqlite3 "$T/sw.db" 'SELECT count(*) FROM results' 2>/dev/null || echo 0)"

out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/good.jsonl")
assert_eq "ingest" "$T/good.jsonl: ingested 10 results for 3 checks, $(iso $t0) to $(iso $((t0 + 3600)))" "$out"
hist() { "$STACKWARD" history -c "$T/sw.yaml" "$1" --from "$(iso $t0)" --to "$(iso $((t0 + 7200)))" --format csv | sed 1d | head -n "$2"; }
assert_eq "a" "$(iso $t0),$(iso $((t0 + 600))),OK,600
$(iso $((t0 + 600))),$(iso $((t0 + 1800))),CRITICAL,1200" "$(hist acme/d1/api/a 2)"
assert_match "a open" "^$(iso $((t0 + 1800))),,OK," "$(hist acme/d1/api/a 3 | tail -1)"
# b: soft at +600, hard at +660 (max_attempts 2)
assert_eq "b" "$(iso $t0),$(iso $((t0 + 660))),OK,660
$(iso $((t0 + 660))),$(iso $((t0 + 1800))),CRITICAL,1140" "$(hist acme/d1/api/b 2)"
# the service (all): worst of a and b
assert_eq "service" "$(iso $t0),$(iso $((t0 + 600))),OK,600
$(iso $((t0 + 600))),$(iso $((t0 + 1800))),CRITICAL,1200" "$(hist acme/d1/api 2)"
# w: silent from +300 to +3600 with a 10 min freshness: UNKNOWN from +900
assert_eq "w" "$(iso $t0),$(iso $((t0 + 900))),OK,900
$(iso $((t0 + 900))),$(iso $((t0 + 3600))),UNKNOWN,2700" "$(hist acme/d1/beat/w 2)"
# a second ingest continues the history; an earlier time than what is stored is refused
line acme/d1/api/a OK late $((t0 + 1000)) >"$T/old.jsonl"
out=$("$STACKWARD" ingest -c "$T/sw.yaml" "$T/old.jsonl" 2>&1) && rc=0 || rc=$?
assert_eq "before stored: exit" 2 "$rc"
line acme/d1/api/a CRITICAL again $((t0 + 4000)) >"$T/more.jsonl"
"$STACKWARD" ingest -c "$T/sw.yaml" "$T/more.jsonl" >/dev/null
assert_eq "continued" "$(iso $((t0 + 1800))),$(iso $((t0 + 4000))),OK,2200" "$(hist acme/d1/api/a 3 | tail -1)"
finish
