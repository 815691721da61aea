#!/usr/bin/env bash
# Contract fuzzing: schemathesis generates requests from openapi/openapi.json and checks
# every answer of a fresh server with the demo data with every check it has
# (`--checks all`): no 5xx, only documented status codes, headers and bodies that match
# the documented schemas, schema-valid requests accepted and schema-invalid ones refused
# (the contract is as precise as the server), 405 with `Allow` for undeclared methods,
# required headers and authentication enforced, and in the stateful phase (`make
# fuzz-api`) records created then read, changed and deleted through the links.
#
#   scripts/fuzz-api.sh quick    bounded run, part of `make test` (about a minute and a half):
#                                the coverage phase (boundary and invalid values of every
#                                parameter and body field) as admin, random cases as admin,
#                                as a station head and without a token
#   scripts/fuzz-api.sh full     the longer run of `make fuzz-api`: every phase, more
#                                random cases, nine roles and no token (about 15 000
#                                cases and two to three minutes per role on 2 quiet cores)
# Environment: TUYEN_BIN
# (default target/debug/tuyen), FUZZ_VENV (default target/schemathesis-venv), FUZZ_SEED,
# FUZZ_USERS (only these roles, e.g. "kehoach"), FUZZ_EXAMPLES (cases per operation).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-full}"
bin="${TUYEN_BIN:-$repo/target/debug/tuyen}"
venv="${FUZZ_VENV:-$repo/target/schemathesis-venv}"
seed="${FUZZ_SEED:-2026}"
version="4.32.5"

case "$mode" in
    # Per operation and user: examples/coverage cases plus this many fuzzed ones.
    quick) examples=3; users=(admin tram.anphu); thorough=(admin); stateful=() ;;
    full) examples=60; users=(admin soyte giamdoc kehoach dieuduong truongkhoa bacsi tram.anphu bv.nhidong1)
        thorough=("${users[@]}" no-token); stateful=("${users[@]}") ;;
    *) echo "usage: $0 quick|full" >&2; exit 2 ;;
esac
# A run of a few roles only (FUZZ_USERS="kehoach"), with every phase of the mode.
if [ -n "${FUZZ_USERS:-}" ]; then
    read -ra users <<<"$FUZZ_USERS"
    thorough=("${users[@]}")
    [ "$mode" = full ] && stateful=("${users[@]}")
fi
examples="${FUZZ_EXAMPLES:-$examples}"
[ -x "$bin" ] || { echo "fuzz-api: $bin not built (cargo build -p backend)" >&2; exit 1; }

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{ print $NF }')" != "$version" ]; then
    echo "Installing schemathesis $version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

work="$(mktemp -d)"
# schemathesis keeps a cache in its working folder: not in the repository.
cd "$work"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
TUYEN_LOG=warn "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/data" \
    --static-dir "$work/no-spa" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

token() {
    curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"thuanan2026\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# Tokens are taken up front: a fuzzed request may lock or change an account later on.
declare -A tokens
for user in "${users[@]}"; do tokens[$user]="$(token "$user")"; done

# One schemathesis process per user, side by side, each with one worker: CPython 3.11's
# ast module keeps its recursion depth per interpreter, and hypothesis parsing lambda
# sources in two threads at once fails at random ("AST constructor recursion depth
# mismatch"), so the parallelism is in processes instead of threads.
run() { # label [schemathesis options...]
    local label="$1"; shift
    local phases="examples,fuzzing"
    [[ " ${thorough[*]} " == *" $label "* ]] && phases="examples,coverage,fuzzing"
    [[ " ${stateful[*]} " == *" $label "* ]] && phases="$phases,stateful"
    local log="$work/st-$label.log" result
    if "$venv/bin/schemathesis" --config-file "$repo/scripts/schemathesis.toml" \
        run "$repo/openapi/openapi.json" --url "$base" \
        --checks all \
        --phases "$phases" --max-examples "$examples" --seed "$seed" \
        --workers 1 --no-shrink --suppress-health-check all --warnings off \
        "$@" >"$log" 2>&1; then
        result="ok"
    else
        result="FAILED"
    fi
    echo "$phases $result" >"$work/result-$label"
}

labels=("${users[@]}" no-token)
runs=()
for user in "${users[@]}"; do
    run "$user" -H "Authorization: Bearer ${tokens[$user]}" &
    runs+=($!)
done
run "no-token" &
runs+=($!)
wait "${runs[@]}"

status=0
total=0
for label in "${labels[@]}"; do
    read -r phases result <"$work/result-$label"
    [ "$result" = ok ] || { status=1; cat "$work/st-$label.log"; }
    cases="$(grep -oE '[0-9]+ generated' "$work/st-$label.log" | tail -n 1 | awk '{ print $1 }')"
    total=$((total + ${cases:-0}))
    printf 'schemathesis %-12s %6s cases  %-24s %s\n' "$label" "${cases:-?}" "$phases" "$result"
done

if grep -qiE 'panicked|internal server error' "$work/server.log"; then
    echo "the server logged a panic or an internal error:" >&2
    grep -iE 'panicked|internal server error' "$work/server.log" >&2
    status=1
fi
echo "schemathesis ($mode): $total generated cases over $(python3 -c "
import json; d = json.load(open('$repo/openapi/openapi.json'))
print(sum(len(v) for v in d['paths'].values()))") operations, seed $seed: \
$([ $status -eq 0 ] && echo '0 failures' || echo 'FAILURES above')"
exit $status
