#!/usr/bin/env bash
# Load figures for referrals on SQLite: get-by-id, filtered list and create, against the
# release server with COUNT (default 100 000) synthetic referrals. Each scenario runs
# RUNS times (default 3) for DURATION (default 10s); the median run is reported.
#
#   scripts/bench/referrals.sh            # needs target/release/tuyen and wrk
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${TUYEN_BIN:-$repo/target/release/tuyen}"
count="${COUNT:-100000}"
runs="${RUNS:-3}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
echo "seeding $count referrals into $work ..."
"$bin" seed-referrals --data-dir "$work" --count "$count" | tail -n 1
TUYEN_LOG=warn "$bin" serve --bind "127.0.0.1:$port" --data-dir "$work" --static-dir "$work/none" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

token() {
    curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"thuanan2026\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
centre_token="$(token bacsi)"
station_token="$(token tram.anphu)"
centre_id="$(curl -sf "$base/api/v1/facilities?q=74-TTYTTA" -H "authorization: Bearer $centre_token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')"

# Random referral ids the centre may open (drafts stay with their stations), and a
# complete slip from An Phú to the centre.
python3 - "$work/tuyen.sqlite3" >"$work/ids.txt" <<'PY'
import random, sqlite3, sys
ids = [row[0] for row in sqlite3.connect(sys.argv[1]).execute(
    "SELECT id FROM referrals WHERE status <> 'draft'")]
random.seed(7)
for _ in range(5000):
    print(f"/api/v1/referrals/{random.choice(ids)}")
PY
printf '%s\n' \
    "/api/v1/referrals?box=inbox&status=sent&urgency=urgent&limit=50" \
    "/api/v1/referrals?box=inbox&status=completed&direction=up&limit=50" \
    "/api/v1/referrals?facility_id=$centre_id&urgency=emergency&limit=50" \
    "/api/v1/referrals?q=Nguy%E1%BB%85n%20V%C4%83n&limit=50" >"$work/lists.txt"
cat >"$work/slip.json" <<JSON
{"to_facility_id": $centre_id, "direction": "up", "urgency": "urgent", "reason": "beyond_capability",
 "patient": {"full_name": "Nguyễn Văn Tải", "birth_date": "1960-01-01", "sex": "male",
             "citizen_id": "074060001234", "insurance_number": "HT3747421234567"},
 "clinical": {"signs": "Khó thở", "diagnoses": [{"code": "I50.0", "name": "Suy tim"}],
              "condition_at_transfer": "Tỉnh"},
 "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa"},
 "signed_by": {"full_name": "Nguyễn Văn Minh"}}
JSON

run() { # name token script [env...]
    local name="$1" tok="$2" script="$3"; shift 3
    local results=()
    for _ in $(seq 1 "$runs"); do
        results+=("$(env TOKEN="$tok" "$@" wrk -t2 -c"$connections" -d"$duration" --latency \
            -s "$repo/scripts/bench/$script" "$base" | grep '^RESULT')")
    done
    printf '%s\n' "${results[@]}" | sort -t= -k2 -n | sed -n "$(( (runs + 1) / 2 ))p" |
        sed "s/^RESULT/$name/"
}
echo "median of $runs runs, $duration each, $connections connections, wrk -t2:"
run get_by_id "$centre_token" get.lua PATHS_FILE="$work/ids.txt"
run list_filtered "$centre_token" get.lua PATHS_FILE="$work/lists.txt"
run create "$station_token" post.lua BODY_FILE="$work/slip.json"
