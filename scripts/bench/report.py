"""The report of scripts/bench/run.sh: prints the tables and writes them, with the machine
and the method, into BENCHMARKS.md between the `make bench` markers (the rest of the file,
e.g. rotation figures, is kept). Reads the run's files from $BENCH_WORK and the settings
from the BENCH_* environment variables that run.sh sets."""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

BEGIN = "<!-- make bench: begin (written by scripts/bench/run.sh; edit outside the markers) -->"
END = "<!-- make bench: end -->"
# Others' CPU share (of the whole machine) above which the figures count as taken under load.
QUIET_MAX_PCT = 10
ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
SCENARIOS = {
    "get_by_id": "referral get-by-id",
    "list_filtered": "referral list, filtered",
    "create": "referral create (audit + idempotency key)",
    "calendar": "rotation calendar read",
    "login": "login (argon2)",
}

env = os.environ
work = Path(env["BENCH_WORK"])


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    cpu = models[0].strip() if models else platform.processor() or "unknown"
    virtual = " (virtual machine: the CPU reports a hypervisor)" if re.search(r"^flags\s*:.*\bhypervisor\b", cpuinfo, re.M) else ""
    mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    ram = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    os_release = dict(
        line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
    )
    os_name = os_release.get("PRETTY_NAME", "unknown").strip('"')
    container = ""
    if Path("/.dockerenv").exists() or "docker" in sh("systemd-detect-virt", "--container"):
        container = ", in a Docker container"
    # The disk under the temporary directory, where the databases lived.
    tmp = os.environ.get("TMPDIR", "/tmp")
    source, fstype = (sh("findmnt", "-n", "-o", "SOURCE,FSTYPE", "-T", tmp).split() + ["?", "?"])[:2]
    disk = f"{source} ({fstype})"
    dev = Path(source).name
    rota = Path(f"/sys/block/{dev}/queue/rotational")
    if rota.exists():
        kind = "virtio block device" if dev.startswith("vd") else "block device"
        disk += f", {kind}, reports rotational={rota.read_text().strip()}"
        if dev.startswith("vd"):
            disk += " (the host's medium is not visible from the guest)"
    return {
        "CPU": f"{cpu}{virtual}",
        "Cores": f"{os.cpu_count()} logical (nproc {sh('nproc') or '?'})",
        "RAM": ram,
        "Kernel": f"Linux {platform.release()}",
        "OS": f"{os_name}{container}",
        "Disk (databases)": disk,
        "rustc": env.get("BENCH_RUSTC", "unknown"),
    }


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


results = read_jsonl(work / "results.jsonl")
meta = {}
for row in read_jsonl(work / "meta.jsonl"):
    meta.setdefault(row["engine"], {}).update(row)
pg_settings = {}
if (work / "pg-settings.txt").exists():
    for line in (work / "pg-settings.txt").read_text().splitlines():
        name, _, value = line.partition("=")
        pg_settings[name] = value

others = [int(env["BENCH_OTHERS_BEFORE"]), int(env["BENCH_OTHERS_AFTER"])]
for row in results:
    others += row["others_cpu_pct"]
quiet = max(others) <= QUIET_MAX_PCT

now = datetime.datetime.now(datetime.timezone.utc)
commit = env.get("BENCH_COMMIT", "unknown")
if sh("git", "-C", str(Path(__file__).resolve().parents[2]), "status", "--porcelain"):
    commit += " with uncommitted changes"
wall = int(env["BENCH_WALL_S"])
make_started = env.get("BENCH_STARTED")
make_wall = int(now.timestamp()) - int(make_started) if make_started else None


def minutes(seconds):
    return f"{seconds // 60} min {seconds % 60:02d} s"


def fmt(value, digits):
    return f"{value:,.{digits}f}"


def table(engine):
    rows = [r for r in results if r["engine"] == engine]
    lines = [
        f"| scenario | req/s | p50 ms | p99 ms | 2xx % | req/s of the {env['BENCH_RUNS']} runs | connections | tool | others' CPU % before/after |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {SCENARIOS.get(r['scenario'], r['scenario'])} | {fmt(r['rps'], 1)} | "
            f"{fmt(r['p50_ms'], 2)} | {fmt(r['p99_ms'], 2)} | {r['ok_pct']:.2f} | "
            f"{', '.join(fmt(x, 1) for x in r['runs_rps'])} | {r['connections']} | {r['tool']} | "
            f"{r['others_cpu_pct'][0]} / {r['others_cpu_pct'][1]} |"
        )
    return lines


runs, duration = env["BENCH_RUNS"], env["BENCH_DURATION"]
count = int(env["BENCH_COUNT"])
engines_run = [e for e in ENGINES if any(r["engine"] == e for r in results)]

md = [BEGIN, "", "## HTTP load (`make bench`)", ""]
md.append(
    f"Measured {now:%Y-%m-%d %H:%M} UTC on commit {commit}. "
    f"The benchmark script took {minutes(wall)}"
    + (f"; `make bench` as a whole (release build included; oha and wrk installed before) {minutes(make_wall)}." if make_wall else ".")
)
md.append("")
if quiet:
    md.append(
        f"**Machine load: quiet.** Other processes used at most {max(others)} % of the machine's CPU "
        f"in the idle probes taken before and after every scenario (threshold {QUIET_MAX_PCT} %)."
    )
else:
    md.append(
        f"**Taken under load: the machine was shared and busy.** Other processes used up to "
        f"{max(others)} % of the machine's CPU in the idle probes taken before and after the scenarios "
        f"(column \"others' CPU\"); read these figures as lower bounds."
    )
md.append("")
md.append(
    f"Load average (1/5/15 min) before: {env['BENCH_LOAD_BEFORE']}, after: {env['BENCH_LOAD_AFTER']} "
    f"(the load average counts the benchmark's own server and load generator too; the idle probes do not)."
)
floors = {e: meta[e] for e in engines_run if "floor_oha_ms" in meta.get(e, {})}
stalled = [
    e for e, m in floors.items()
    if m["floor_oha_ms"] >= 20 and m["floor_oha_ms"] >= 4 * m["floor_curl_ms"]
]
if stalled:
    md += [
        "",
        "**Caveat: a TCP stall of about 40 ms per answer.** One request at a time on one "
        "connection, oha waits "
        + ", ".join(f"{floors[e]['floor_oha_ms']:.1f} ms ({ENGINES[e]})" for e in stalled)
        + " for a referral that curl gets in "
        + ", ".join(f"{floors[e]['floor_curl_ms']:.1f} ms" for e in stalled)
        + ": the server does not set `TCP_NODELAY` on its connections (actix-web leaves Nagle's "
        "algorithm on unless `HttpServer::tcp_nodelay(true)`), so the end of an answer written in "
        "two pieces waits for the client's delayed ACK. The oha figures below (every scenario but "
        "create) include that stall: their p50 sits near 44 ms, and their req/s measures the stall "
        "more than the server's work. wrk (create) and curl do not trigger it.",
    ]
md += ["", "### Machine", ""]
md += [f"- {key}: {value}" for key, value in machine().items()]
md += ["", "### Method", ""]
readable = " / ".join(
    f"{meta[e]['readable_ids']:,} ({ENGINES[e]})" for e in engines_run if "readable_ids" in meta.get(e, {})
)
seeds = ", ".join(
    f"{ENGINES[e]} {meta[e]['seed_s']} s" for e in engines_run if "seed_s" in meta.get(e, {})
)
md += [
    f"- Data: a fresh database per engine with the demo network and {count:,} synthetic referrals "
    f"(`tuyen seed-referrals --count {count}`; seeding took {seeds}).",
    "- Server: the release build (`cargo build --release -p backend`), `tuyen serve` with the API "
    "only, log level `warn`, on 127.0.0.1; connection pool 8 (SQLite) or 16 (PostgreSQL). The load "
    "generator runs on the same machine and competes with the server (and PostgreSQL) for the cores.",
    f"- Each scenario: {runs} runs of {duration}; the run with the median req/s is reported with its "
    "p50/p99 latency and its share of 2xx answers. Every run must have at least "
    f"{env['BENCH_MIN_2XX']} % 2xx answers, or the benchmark fails.",
    f"- Connections: {env['BENCH_CONNECTIONS']}, and {env['BENCH_LOGIN_CONNECTIONS']} for login: "
    "argon2id (19 MiB, 2 passes) makes a login CPU-bound, so more connections than cores only queue.",
    "- Latency floor, one get-by-id at a time on one connection (2 s of oha, 9 curl requests "
    "on one kept-alive connection): "
    + ("; ".join(
        f"{ENGINES[e]}: oha p50 {m['floor_oha_ms']:.1f} ms, curl median {m['floor_curl_ms']:.1f} ms"
        for e, m in floors.items()
    ) or "not measured")
    + ".",
    f"- Tools: {env['BENCH_OHA']} (`cargo install --locked`), `oha --no-tui -w -z {duration} -c N`, "
    "for every scenario but create; oha sends the same headers on every request, so create runs on "
    f"{env['BENCH_WRK']} (Debian, `-t2`) with `scripts/bench/create.lua`, which sends a new "
    "`Idempotency-Key` on every request.",
    "",
    "Scenarios:",
    "",
    f"- get-by-id: `GET /api/v1/referrals/{{id}}` over 5 000 ids drawn at random from the "
    f"{readable} referrals that are not drafts (a query on the database), as the centre's clinician `bacsi`: every "
    "referral of its supported stations is readable; reads of referrals addressed to the centre "
    "show the patient and write an audit event.",
    "- list, filtered: `GET /api/v1/referrals` as `bacsi`, `limit=50`, seven filter sets at random: "
    "inbox+sent+urgent, inbox+completed+up, inbox+accepted+not overdue, a station's emergencies, "
    "sent+overdue, a quarter's arrived, and a patient-name search (`q=Nguyễn Văn`).",
    "- create: `POST /api/v1/referrals` as the station head `tram.anphu`, a complete slip to the "
    "centre, a unique `Idempotency-Key` per request: every request creates a referral with its "
    "slip number, timeline event, audit event and stored idempotency key (201); after the runs "
    "the script checks that the database gained one referral and one key per 2xx answer.",
    "- rotation calendar: `GET /api/v1/rotation-assignments?limit=200&plan_id=…` (the plan page) and "
    "`…&station_id=…` (the station page), what the SPA loads, as the centre's planner `kehoach`, "
    "over the demo network's rotation plans and its five stations.",
    "- login: `POST /api/v1/auth/login` with the right password (`bacsi`), which issues an access "
    "and a refresh token.",
    "",
    "Durability:",
    "",
    f"- SQLite {env.get('BENCH_SQLITE_VERSION', '')} (bundled): WAL, `synchronous = FULL`, foreign keys on "
    "(every commit is fsynced before the answer).",
]
if pg_settings:
    pages = pg_settings.get("shared_buffers", "")
    shared_buffers = f"{int(pages) * 8 // 1024} MB" if pages.isdigit() else "?"
    md.append(
        f"- PostgreSQL {pg_settings.get('server_version', '')}, a throwaway cluster "
        "(`scripts/pg.sh` with `TUYEN_PG_DURABLE=1`) with default durability: "
        + ", ".join(
            f"`{k} = {pg_settings[k]}`"
            for k in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")
            if k in pg_settings
        )
        + f"; `shared_buffers` {shared_buffers} (the default)."
    )
for engine in engines_run:
    md += ["", f"### {ENGINES[engine]}", ""] + table(engine)
md += ["", END]
block = "\n".join(md) + "\n"

print()
for engine in engines_run:
    print(f"{ENGINES[engine]} (median of {runs} runs of {duration}):")
    print("\n".join(table(engine)))
    print()
print("machine load:", "quiet" if quiet else f"UNDER LOAD (others up to {max(others)} % CPU)")

out = Path(env["BENCH_OUT"])
if out.exists():
    text = out.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + (f"\n{tail}" if tail else "")
    else:
        # Keep what was there (e.g. rotation figures) below the new block.
        title, _, body = text.partition("\n") if text.startswith("# ") else ("# Benchmarks", "", text)
        text = f"{title}\n\n{block}\n{body.lstrip()}"
else:
    text = f"# Benchmarks\n\n{block}"
out.write_text(text)
print(f"wrote {out}", file=sys.stderr)
