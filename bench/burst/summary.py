"""The burst's table: per step, count, errors, p50 and p99 (bench/results/burst/run.N.json)."""
import json
import sys
from pathlib import Path

for path in sorted(Path(sys.argv[1]).glob("run.*.json")):
    r = json.loads(path.read_text())
    g = r.get("grading", {})
    print(f"\n{path.name}: {r['users']} trainees over {r['window_s']} s; completed {r['completed']}, "
          f"within 60 s {r['completed_within_60s']}, last done at {r['last_trainee_done_s']} s; errors {r['errors']}; "
          f"queue answers (503 + Retry-After, retried) {r.get('queued', 0)}; "
          f"arrival lag p50/max {r['arrival_lag_p50_s']}/{r['arrival_lag_max_s']} s; others' CPU "
          f"{r.get('foreign_cpu_pct')} %; load {r.get('load_average')}")
    print(f"grading: {g.get('graded')}/{g.get('answers')} graded, last {g.get('last_graded_s_after_burst_end')} s "
          f"after the burst's end (within {g.get('limit_s')} s: {g.get('all_graded_within_limit')})\n")
    print("| step | count | errors | queued | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, s in r["steps"].items():
        kinds = f" ({s['error_kinds']})" if s["errors"] else ""
        print(f"| {name} | {s['count']} | {s['errors']}{kinds} | {s.get('queued', 0)} | {s['p50_ms']} | {s['p99_ms']} "
              f"| {s['max_ms']} |")
    split = r.get("cpu_split", {}).get("ms_per_item", {})
    if split:
        print("\nCPU ms per trainee: " + ", ".join(f"{k} {v}" for k, v in split.items()))
