#!/usr/bin/env bash
# `make bench`: HTTP load figures of the release server, on SQLite and on PostgreSQL.
#
# For each engine: a fresh database with the demo network and COUNT synthetic referrals
# (`tuyen seed-referrals`), the release server on a free 127.0.0.1 port, then five
# scenarios, each RUNS times for DURATION at CONNECTIONS connections:
#
#   get_by_id      GET /api/v1/referrals/{id}: 5 000 random ids of sent-or-later
#                  referrals, as the centre's clinician (patient reads are audited)
#   list_filtered  GET /api/v1/referrals?…: seven filter sets (box, status, urgency,
#                  direction, facility, dates, overdue, text), as the centre's clinician
#   create         POST /api/v1/referrals: a complete slip from a station head, a fresh
#                  Idempotency-Key on every request (a real create, its audit event, its key)
#   calendar       GET /api/v1/rotation-assignments?…: the SPA's plan and station pages
#                  (limit 200), as the centre's planner
#   login          POST /api/v1/auth/login (argon2, CPU-bound: LOGIN_CONNECTIONS connections)
#
# The run with the median requests/s is reported with its p50/p99 latency and its share
# of 2xx answers; a run under MIN_2XX % (default 99) of 2xx answers fails the benchmark,
# and so do creates that did not each add a referral and an idempotency key. Before the
# scenarios, a one-connection probe compares oha's latency floor with curl's (a TCP stall
# shows there), and an idle probe of /proc/stat before and after each scenario measures
# the CPU other users take. scripts/bench/report.py prints the tables and writes them to
# BENCHMARKS.md (between its `make bench` markers; anything else in the file is kept)
# with the machine, the method and the load.
#
#   scripts/bench/run.sh                    # needs the release binary, oha, wrk, PostgreSQL
#   COUNT=5000 RUNS=1 DURATION=3s scripts/bench/run.sh     # a quick try
#
# Settings (environment): COUNT (100000), RUNS (3), DURATION (10s), CONNECTIONS (16),
# LOGIN_CONNECTIONS (4), ENGINES ("sqlite postgres"), MIN_2XX (99), BENCH_OUT
# (BENCHMARKS.md at the repository root), TUYEN_BIN (target/release/tuyen).
#
# oha drives every scenario but create: oha sends the same headers on every request, so
# create runs on wrk with scripts/bench/create.lua, which makes a new key per request.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${TUYEN_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/tuyen}"
count="${COUNT:-100000}"
runs="${RUNS:-3}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
login_connections="${LOGIN_CONNECTIONS:-4}"
engines="${ENGINES:-sqlite postgres}"
min_2xx="${MIN_2XX:-99}"
out="${BENCH_OUT:-$repo/BENCHMARKS.md}"
password="thuanan2026" # the demo accounts' password

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# oha and wrk both take "10s"; whole seconds keep the two alike.
[[ "$duration" =~ ^[0-9]+s$ ]] || die "DURATION must be whole seconds, e.g. 10s"
[ -x "$bin" ] || die "$bin missing: build it with 'cargo build --release -p backend' (make bench does)"
for tool in oha wrk curl python3; do
    command -v "$tool" >/dev/null || die "$tool not found (make bench installs oha and wrk)"
done
psql="$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1 || true)"
case " $engines " in
    *" postgres "*) [ -x "$psql" ] || die "psql not found (make postgres-bin)" ;;
esac

started_at="$(date +%s)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tuyen-bench-XXXXXX")"
server=""
pg_started=""
# Our own throwaway cluster, apart from the one `make test` may be using.
export TUYEN_PG_STATE="$work/pg.state"

stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
cleanup() {
    local rc=$?
    stop_server
    if [ -n "$pg_started" ]; then
        "$repo/scripts/pg.sh" stop || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

## The machine's load -------------------------------------------------------------------

# Share (%) of the machine's CPU time busy over SECONDS, measured while nothing of ours
# runs (the server idle): the load of other users. From /proc/stat.
cpu_busy() {
    python3 - "$1" <<'PY'
import sys, time
def sample():
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return sum(fields), fields[3] + fields[4]  # total, idle + iowait
t0, i0 = sample()
time.sleep(float(sys.argv[1]))
t1, i1 = sample()
print(f"{100 * (1 - (i1 - i0) / max(t1 - t0, 1)):.0f}")
PY
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

## The server ---------------------------------------------------------------------------

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server DATA_DIR [--database-url URL]: the API only (no SPA) on a free port.
start_server() {
    local data="$1"; shift
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    TUYEN_LOG=warn "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$data" \
        --static-dir "$data/none" "$@" >"$data/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 300); do
        curl -sf "$base/healthz" >/dev/null && return 0
        kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; die "the server exited"; }
        sleep 0.1
    done
    die "the server did not answer /healthz within 30 s"
}

# An access token for a demo account.
token() {
    curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$password\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

api_get() { # token path
    curl -sf "$base/api/v1$2" -H "authorization: Bearer $1"
}

facility_id() { # token code
    api_get "$1" "/facilities?q=$2" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'
}

## One scenario -------------------------------------------------------------------------

# A run writes one line of JSON to $run_file: rps, p50_ms, p99_ms, responses, ok (2xx),
# statuses, errors; from oha's JSON report or from the RESULT line of create.lua.
run_file=""

oha_run() { # connections oha-args...
    local conns="$1"; shift
    # -w: requests still running at the deadline are waited for, not counted as errors.
    oha --no-tui --output-format json -w -z "$duration" -c "$conns" "$@" >"$run_file.raw"
    python3 - "$run_file.raw" >"$run_file" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
statuses = r["statusCodeDistribution"]
responses = sum(statuses.values())
print(json.dumps({
    "rps": responses / r["summary"]["total"],
    "p50_ms": r["metrics"]["latency_ms"]["p50"],
    "p99_ms": r["metrics"]["latency_ms"]["p99"],
    "responses": responses,
    "ok": sum(n for code, n in statuses.items() if code.startswith("2")),
    "statuses": statuses,
    "errors": r["errorDistribution"],
}))
PY
}

wrk_create() { # token
    # --timeout: wrk drops answers slower than 2 s from its latencies by default (oha
    # waits for every answer).
    TOKEN="$1" BODY_FILE="$work/slip.json" KEY_PREFIX="bench-$engine-$(date +%s%N)" \
        wrk -t2 -c"$connections" -d"$duration" --timeout 60s --latency \
        -s "$repo/scripts/bench/create.lua" "$base" >"$run_file.raw"
    sed -n 's/^RESULT //p' "$run_file.raw" >"$run_file"
    [ -s "$run_file" ] || { cat "$run_file.raw" >&2; die "wrk printed no result"; }
}

# scenario NAME TOOL CONNECTIONS COMMAND...: RUNS runs of COMMAND (oha_run, wrk_create);
# appends the median run to results.jsonl; fails when a run has too few 2xx answers.
scenario() {
    local name="$1" tool="$2" conns="$3"; shift 3
    local files=() others_before others_after i
    others_before="$(cpu_busy 3)"
    log "$engine/$name: $runs × $duration, $conns connections, $tool (others' CPU before: $others_before %)"
    for i in $(seq 1 "$runs"); do
        run_file="$work/$engine-$name-$i.json"
        "$@"
        files+=("$run_file")
    done
    others_after="$(cpu_busy 3)"
    python3 - "$engine" "$name" "$tool" "$conns" "$min_2xx" "$others_before" "$others_after" \
        "${files[@]}" >>"$work/results.jsonl" <<'PY'
import json, sys
engine, name, tool, conns, min_2xx, before, after, *files = sys.argv[1:]
runs = [json.load(open(f)) for f in files]
for i, r in enumerate(runs, 1):
    answered = r["responses"] + sum(r["errors"].values())
    r["ok_pct"] = 100 * r["ok"] / answered if answered else 0
    print(f"  run {i}: {r['rps']:.1f} req/s, p50 {r['p50_ms']:.2f} ms, "
          f"p99 {r['p99_ms']:.2f} ms, 2xx {r['ok_pct']:.2f} %, statuses {r['statuses']}, "
          f"errors {r['errors']}", file=sys.stderr)
    if r["ok_pct"] < float(min_2xx):
        sys.exit(f"bench: {engine}/{name} run {i}: only {r['ok_pct']:.2f} % 2xx answers "
                 f"(statuses {r['statuses']}, errors {r['errors']}); the figures would be worthless")
median = sorted(runs, key=lambda r: r["rps"])[(len(runs) - 1) // 2]
print(json.dumps({
    "engine": engine, "scenario": name, "tool": tool, "connections": int(conns),
    "rps": median["rps"], "p50_ms": median["p50_ms"], "p99_ms": median["p99_ms"],
    "ok_pct": median["ok_pct"], "responses": median["responses"],
    "statuses": median["statuses"], "runs_rps": [r["rps"] for r in runs],
    "others_cpu_pct": [int(before), int(after)],
}))
PY
}

# One value per line from the engine's database (the server may be running).
db_query() { # SQL
    if [ "$engine" = sqlite ]; then
        python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(*row)' "$sqlite_file" "$1"
    else
        "$psql" -qXAt "$pg_url" -c "$1"
    fi
}

# After the create runs: each 2xx answer must be a new referral with its own stored
# Idempotency-Key, not a replay of an earlier one (a replay answers 201 too). Requests
# still in flight when wrk stops may add up to CONNECTIONS more per run.
check_creates() { # referrals_before keys_before
    local referrals keys ok slack
    referrals=$(($(db_query "SELECT count(*) FROM referrals") - $1))
    keys=$(($(db_query "SELECT count(*) FROM idempotency_keys") - $2))
    ok="$(python3 -c 'import json, sys; print(sum(json.load(open(f))["ok"] for f in sys.argv[1:]))' \
        "$work/$engine"-create-[0-9]*.json)"
    slack=$((connections * runs))
    log "$engine/create: $ok answers 2xx, $referrals referrals and $keys idempotency keys added"
    if [ "$referrals" -lt "$ok" ] || [ "$referrals" -gt $((ok + slack)) ] ||
        [ "$keys" -ne "$referrals" ]; then
        die "$engine/create: $ok 2xx answers but $referrals new referrals and $keys new keys"
    fi
}

# The latency floor: one referral, one connection, one request at a time, by oha (2 s)
# and by curl (9 requests on one kept-alive connection, the median). An oha floor near
# 40 ms where curl needs a few is Nagle's algorithm on the server's socket (TCP_NODELAY
# not set) meeting the client's delayed ACK; the report then says so.
latency_floor() { # header url
    local oha_ms curl_ms urls=() i
    oha --no-tui --output-format json -w -z 2s -c 1 -H "$1" "$2" >"$work/$engine-floor.raw"
    oha_ms="$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["metrics"]["latency_ms"]["p50"])' "$work/$engine-floor.raw")"
    for i in $(seq 1 9); do urls+=(-o /dev/null "$2"); done
    curl_ms="$(curl -s -H "$1" -w '%{time_total}\n' "${urls[@]}" |
        python3 -c 'import statistics, sys; print(1000 * statistics.median(map(float, sys.stdin.read().split())))')"
    log "$engine: one request at a time (get-by-id): oha p50 ${oha_ms} ms, curl ${curl_ms} ms"
    echo "{\"engine\": \"$engine\", \"floor_oha_ms\": $oha_ms, \"floor_curl_ms\": $curl_ms}" >>"$work/meta.jsonl"
}

## One engine ---------------------------------------------------------------------------

bench_engine() {
    local data="$work/$engine" db_args=() seed_started admin
    mkdir -p "$data"
    sqlite_file="$data/tuyen.sqlite3"
    case "$engine" in
        sqlite) ;;
        postgres)
            # PostgreSQL's default durability (TUYEN_PG_DURABLE=1: fsync, synchronous
            # commit and full-page writes on), as SQLite runs with synchronous=FULL.
            pg_started=1
            admin="$(TUYEN_PG_DURABLE=1 "$repo/scripts/pg.sh" start)"
            "$psql" -qX "$admin" -c 'CREATE DATABASE tuyen_bench' >/dev/null
            pg_url="${admin%/postgres}/tuyen_bench"
            db_args=(--database-url "$pg_url")
            ;;
        *) die "unknown engine $engine (sqlite or postgres)" ;;
    esac

    log "$engine: seeding $count referrals"
    seed_started="$(date +%s)"
    "$bin" seed-referrals --data-dir "$data" "${db_args[@]}" --count "$count" >"$data/seed.log"
    echo "{\"engine\": \"$engine\", \"seed_s\": $(($(date +%s) - seed_started))}" >>"$work/meta.jsonl"
    start_server "$data" "${db_args[@]}"
    log "$engine: server on $base"

    if [ "$engine" = postgres ]; then
        # For the report: the server's version and durability settings.
        "$psql" -qXAt "$pg_url" -F '=' -c "SELECT name, setting FROM pg_settings WHERE name IN
            ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes',
             'wal_sync_method', 'shared_buffers') ORDER BY name" >"$work/pg-settings.txt"
    fi

    # The ids: a random 5 000 of the referrals the centre may open (drafts stay with their
    # station), chosen by a query on the database itself.
    db_query "SELECT id FROM referrals WHERE status <> 'draft'" >"$work/all-ids.txt"
    python3 -c 'import random, sys
ids = open(sys.argv[1]).read().split()
random.seed(7)
for i in random.sample(ids, min(5000, len(ids))): print(f"{sys.argv[2]}/api/v1/referrals/{i}")' \
        "$work/all-ids.txt" "$base" >"$work/ids.txt"
    echo "{\"engine\": \"$engine\", \"readable_ids\": $(wc -l <"$work/all-ids.txt"), \"sampled_ids\": $(wc -l <"$work/ids.txt")}" \
        >>"$work/meta.jsonl"

    local centre station planner centre_id anphu_id code
    centre="$(token bacsi)"
    planner="$(token kehoach)"
    centre_id="$(facility_id "$centre" 74-TTYTTA)"
    anphu_id="$(facility_id "$centre" 74-TYT-ANPHU)"

    # Filtered lists as the centre reads them (shared::referral::ReferralQuery).
    printf "$base%s\n" \
        "/api/v1/referrals?box=inbox&status=sent&urgency=urgent&limit=50" \
        "/api/v1/referrals?box=inbox&status=completed&direction=up&limit=50" \
        "/api/v1/referrals?box=inbox&status=accepted&overdue=false&limit=50" \
        "/api/v1/referrals?facility_id=$anphu_id&urgency=emergency&limit=50" \
        "/api/v1/referrals?status=sent&overdue=true&limit=50" \
        "/api/v1/referrals?date_from=2026-01-01&date_to=2026-03-31&status=arrived&limit=50" \
        "/api/v1/referrals?q=Nguy%E1%BB%85n%20V%C4%83n&limit=50" >"$work/lists.txt"

    # The rotation calendar as the SPA loads it (limit 200): the plan page of each plan
    # and the station page of each station, read by the centre's planner.
    api_get "$planner" "/rotation-plans?limit=200" |
        python3 -c 'import json,sys; [print(p["id"]) for p in json.load(sys.stdin)["items"]]' \
        >"$work/plans.txt"
    [ -s "$work/plans.txt" ] || die "no rotation plans found"
    for code in 74-TYT-ANPHU 74-TYT-BINHHOA 74-TYT-LAITHIEU 74-TYT-THUANGIAO 74-TYT-THUANAN; do
        facility_id "$planner" "$code"
    done >"$work/stations.txt"
    {
        sed "s|^|$base/api/v1/rotation-assignments?limit=200\&plan_id=|" "$work/plans.txt"
        sed "s|^|$base/api/v1/rotation-assignments?limit=200\&station_id=|" "$work/stations.txt"
    } >"$work/calendar.txt"

    # A complete slip from An Phú up to the centre.
    cat >"$work/slip.json" <<JSON
{"to_facility_id": $centre_id, "direction": "up", "urgency": "urgent", "reason": "beyond_capability",
 "patient": {"full_name": "Nguyễn Văn Tải", "birth_date": "1960-01-01", "sex": "male",
             "citizen_id": "074060001234", "insurance_number": "HT3747421234567"},
 "clinical": {"signs": "Khó thở", "diagnoses": [{"code": "I50.0", "name": "Suy tim"}],
              "condition_at_transfer": "Tỉnh"},
 "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa"},
 "signed_by": {"full_name": "Nguyễn Văn Minh"}}
JSON

    # A token before each scenario: they last 15 minutes.
    local auth="authorization: Bearer"
    centre="$(token bacsi)"
    latency_floor "$auth $centre" "$(head -n 1 "$work/ids.txt")"
    scenario get_by_id oha "$connections" \
        oha_run "$connections" -H "$auth $centre" --urls-from-file "$work/ids.txt"
    centre="$(token bacsi)"
    scenario list_filtered oha "$connections" \
        oha_run "$connections" -H "$auth $centre" --urls-from-file "$work/lists.txt"
    station="$(token tram.anphu)"
    local referrals_before keys_before
    referrals_before="$(db_query "SELECT count(*) FROM referrals")"
    keys_before="$(db_query "SELECT count(*) FROM idempotency_keys")"
    scenario create wrk "$connections" wrk_create "$station"
    check_creates "$referrals_before" "$keys_before"
    planner="$(token kehoach)"
    scenario calendar oha "$connections" \
        oha_run "$connections" -H "$auth $planner" --urls-from-file "$work/calendar.txt"
    scenario login oha "$login_connections" \
        oha_run "$login_connections" -m POST -H 'content-type: application/json' \
        -d "{\"username\":\"bacsi\",\"password\":\"$password\"}" "$base/api/v1/auth/login"

    stop_server
    if [ "$engine" = postgres ]; then
        "$repo/scripts/pg.sh" stop
        pg_started=""
    fi
}

## Main ---------------------------------------------------------------------------------

load_before="$(loadavg)"
others_before="$(cpu_busy 5)"
log "load average before: $load_before; others' CPU over 5 s: $others_before %"
: >"$work/results.jsonl"
: >"$work/meta.jsonl"
for engine in $engines; do
    bench_engine
done
load_after="$(loadavg)"
others_after="$(cpu_busy 5)"
log "load average after: $load_after; others' CPU over 5 s: $others_after %"

## The report ---------------------------------------------------------------------------

# SQLite is bundled into the server; the database file's header holds the version of the
# library that last wrote it (offset 96, SQLITE_VERSION_NUMBER).
sqlite_version="$(python3 -c 'import sys
try:
    n = int.from_bytes(open(sys.argv[1], "rb").read(100)[96:100], "big")
    print(f"{n // 1000000}.{n // 1000 % 1000}.{n % 1000}")
except OSError:
    print("unknown")' "$work/sqlite/tuyen.sqlite3")"

BENCH_OUT="$out" BENCH_WORK="$work" BENCH_COUNT="$count" BENCH_RUNS="$runs" \
    BENCH_DURATION="$duration" BENCH_CONNECTIONS="$connections" \
    BENCH_LOGIN_CONNECTIONS="$login_connections" BENCH_MIN_2XX="$min_2xx" \
    BENCH_LOAD_BEFORE="$load_before" BENCH_LOAD_AFTER="$load_after" \
    BENCH_OTHERS_BEFORE="$others_before" BENCH_OTHERS_AFTER="$others_after" \
    BENCH_WALL_S="$(($(date +%s) - started_at))" BENCH_SQLITE_VERSION="$sqlite_version" \
    BENCH_OHA="$(oha --version)" BENCH_WRK="$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2 || true)" \
    BENCH_RUSTC="$(rustc --version 2>/dev/null || echo unknown)" \
    BENCH_COMMIT="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    python3 "$repo/scripts/bench/report.py"
