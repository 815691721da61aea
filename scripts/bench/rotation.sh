#!/usr/bin/env bash
# The rotation benchmark: solve every instance with the generator's solver
# (`tuyen rotation solve`, release build), score it with the reference scorer, and print
# instance | objective | hard violations | wall time beside the anchors.
#
#   scripts/bench/rotation.sh     # needs target/release/tuyen and python3
# BENCH_DIR points at the benchmark kit (score.py, gen_instance.py); the instances
# themselves are also kept in shared/benches/instances.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${TUYEN_BIN:-$repo/target/release/tuyen}"
kit="${BENCH_DIR:-$repo/../shared/bench/rotation}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$repo"/shared/benches/instances/*.json "$work/"
# As the large preset: at most 24 weeks away a year (without the flag the kit writes null).
python3 "$kit/gen_instance.py" --staff 1000 --stations 168 --weeks 52 --max-rotation-weeks 24 --seed 7 -o "$work/xl-1000x168x52.json" >/dev/null

declare -A anchor=([tiny]=1000154 [small]=1886 [medium]=6446 [large]=101790)
printf '| instance | objective | hard violations | wall (s) | best anchor |\n| --- | --- | --- | --- | --- |\n'
for instance in tiny small medium large xl-1000x168x52; do
    start=$(date +%s.%N)
    "$bin" rotation solve "$work/$instance.json" -o "$work/$instance.solution.json" 2>/dev/null
    end=$(date +%s.%N)
    python3 "$kit/score.py" "$work/$instance.json" "$work/$instance.solution.json" >"$work/$instance.score.json" || true
    read -r objective hard < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m=m.get("metrics", m); print(m["objective"], m["hard_total"])' "$work/$instance.score.json")
    printf '| %s | %s | %s | %.2f | %s |\n' "$instance" "$objective" "$hard" "$(echo "$end - $start" | bc)" "${anchor[$instance]:-—}"
done
