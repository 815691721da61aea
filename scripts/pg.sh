#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the backend tests.
#
#   scripts/pg.sh start   create a cluster in a temp dir, start it on a free 127.0.0.1 port,
#                         print its admin URL (postgres://tuyen@127.0.0.1:PORT/postgres)
#   scripts/pg.sh url     print the URL of the running cluster
#   scripts/pg.sh stop    stop the cluster and delete its directory
#
# Trust authentication, superuser `tuyen`, durability switched off: for tests only.
# TUYEN_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync, synchronous_commit,
# full_page_writes on), for benchmarks that compare it with SQLite (synchronous=FULL).
# The cluster's directory, port and owner are remembered in $TUYEN_PG_STATE
# (default target/tuyen-pg.state). Running as root, initdb and pg_ctl run as the
# `postgres` system user (or `tuyenpg`, created when needed), as PostgreSQL refuses root.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${TUYEN_PG_STATE:-$repo/target/tuyen-pg.state}"

die() { echo "pg.sh: $*" >&2; exit 1; }

# The newest /usr/lib/postgresql/*/bin (Debian), else whatever is on PATH.
find_pgbin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
        return
    fi
    local initdb
    initdb="$(command -v initdb || true)"
    [ -n "$initdb" ] || die "initdb not found; install PostgreSQL (make postgres-bin)"
    dirname "$(readlink -f "$initdb")"
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# As root, run PostgreSQL tools as an unprivileged system user.
run_user=""
as_pg() {
    if [ -n "$run_user" ]; then
        runuser -u "$run_user" -- "$@"
    else
        "$@"
    fi
}

pick_run_user() {
    if [ "$(id -u)" -ne 0 ]; then
        run_user=""
    elif id -u postgres >/dev/null 2>&1; then
        run_user="postgres"
    else
        id -u tuyenpg >/dev/null 2>&1 \
            || useradd --system --no-create-home --shell /usr/sbin/nologin tuyenpg
        run_user="tuyenpg"
    fi
}

# Loads DIR, PORT, RUN_USER, PGBIN from the state file; false when there is none.
load_state() {
    [ -f "$state" ] || return 1
    DIR="" PORT="" RUN_USER="" PGBIN=""
    # shellcheck disable=SC1090
    . "$state"
    [ -n "$DIR" ] && [ -n "$PORT" ]
}

url_for() { echo "postgres://tuyen@127.0.0.1:$1/postgres"; }

cmd_stop() {
    load_state || return 0
    run_user="$RUN_USER"
    if [ -d "$DIR/data" ] && [ -n "$PGBIN" ]; then
        # From the cluster directory: the runner may not be able to read the caller's cwd.
        (cd "$DIR" && as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 stop) \
            >/dev/null 2>&1 || true
    fi
    case "$DIR" in
        */tuyen-pg-*) rm -rf "$DIR" ;;
        *) echo "pg.sh: not deleting unexpected directory $DIR" >&2 ;;
    esac
    rm -f "$state"
}

cmd_start() {
    # A cluster left over by an interrupted run is replaced, not reused.
    cmd_stop

    local pgbin base dir port attempt started=""
    pgbin="$(find_pgbin)"
    pick_run_user
    base="${TMPDIR:-/tmp}"
    dir="$(mktemp -d "$base/tuyen-pg-XXXXXX")"
    if [ -n "$run_user" ]; then
        chown "$run_user" "$dir"
        if ! runuser -u "$run_user" -- test -w "$dir"; then
            # e.g. TMPDIR under /root: the postgres user cannot reach it.
            rmdir "$dir"
            dir="$(mktemp -d /tmp/tuyen-pg-XXXXXX)"
            chown "$run_user" "$dir"
        fi
    fi
    mkdir -p "$(dirname "$state")"
    # Remember it at once so that `stop` cleans up even a failed start.
    printf 'DIR=%q\nPORT=%q\nRUN_USER=%q\nPGBIN=%q\n' "$dir" "0" "$run_user" "$pgbin" >"$state"

    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_args=(--locale=C.UTF-8)
    fi
    if ! (cd "$dir" && as_pg "$pgbin/initdb" -D "$dir/data" -U tuyen --auth=trust -E UTF8 \
        "${locale_args[@]}") >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        cmd_stop
        die "initdb failed"
    fi

    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${TUYEN_PG_DURABLE:-0}" = 1 ]; then
        durability=""
    fi
    # The port is free when picked but may be taken before PostgreSQL binds it: retry.
    for attempt in 1 2 3; do
        port="$(free_port)"
        if (cd "$dir" && as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability" \
            start) >/dev/null 2>&1; then
            started=1
            break
        fi
        echo "pg.sh: start attempt $attempt on port $port failed" >&2
    done
    if [ -z "$started" ]; then
        cat "$dir/postgres.log" >&2 || true
        cmd_stop
        die "PostgreSQL did not start"
    fi
    printf 'DIR=%q\nPORT=%q\nRUN_USER=%q\nPGBIN=%q\n' "$dir" "$port" "$run_user" "$pgbin" >"$state"
    url_for "$port"
}

cmd_url() {
    load_state || die "no cluster running (scripts/pg.sh start)"
    [ "$PORT" != 0 ] || die "the cluster did not start"
    url_for "$PORT"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) cmd_url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
