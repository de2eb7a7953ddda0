#!/usr/bin/env bash
# Benchmarks the native model at 100k and 1M demo entries (criterion) and prints each median
# beside the issue's target. Numbers, not a pass/fail: this machine is shared and noisy.
# Usage: scripts/bench-model.sh [criterion filter]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
cargo bench --bench model -- ${1:-} >target/bench-model.log 2>&1 || { tail -40 target/bench-model.log; exit 1; }
python3 - <<'PY'
import json, glob, os
targets = {  # milliseconds at 1M entries, from the model issue
    "filter": 20, "search": 20, "sort_cold": 100, "sort_warm": 100, "csv": 500,
}
rows = []
for path in sorted(glob.glob("target/criterion/model_*/*/*/new/estimates.json")):
    parts = path.split(os.sep)
    group, op, case = parts[2], parts[3], parts[4]
    med = json.load(open(path))["median"]["point_estimate"] / 1e6
    rows.append((group, op, case, med))
print(f"{'size':<12}{'operation':<12}{'case':<26}{'median':>12}   target at 1M")
for group, op, case, med in rows:
    size = group.replace("model_", "")
    tgt = targets.get(op)
    mark = ""
    if size == "1000k" and tgt is not None:
        mark = f"{tgt} ms  " + ("ok" if med <= tgt else "MISSED")
    print(f"{size:<12}{op:<12}{case:<26}{med:>9.2f} ms   {mark}")
PY
