"""Medians of the bench runs, printed as Markdown (and saved to bench/results/summary_*.json).

    python bench/summarize.py a      # submit vs bare (wrk outputs in bench/results/a)
    python bench/summarize.py b      # end to end (bench/results/b/*.json)
    python bench/summarize.py idle   # idle submit-to-graded (bench/results/idle/*.json)
    python bench/summarize.py trivial  # the trivial-task control of the burst (bench/results/trivial/*.json)
    python bench/summarize.py ratio_b  # graded/s ÷ the control's rows/s, per run and median (target 2)
"""
import json
import statistics
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def wrk_result(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("RESULT "):
            out.update(json.loads(line[7:]))
        elif line.startswith("CPU_SPLIT "):
            out["cpu_split"] = json.loads(line[10:])
        elif line.startswith(("BUSY_BEFORE ", "QUEUED_MESSAGES ", "FOREIGN_CPU ")):
            name, value = line.split()
            out[name.lower()] = float(value)
    return out


def med(values):
    return statistics.median(values) if values else None


def summarize_a() -> dict:
    runs: dict[str, list[dict]] = {}
    for path in sorted((RESULTS / "a").glob("*.txt")):
        mode, run = path.stem.split(".")
        runs.setdefault(mode, []).append({"run": int(run), **wrk_result(path)})
    summary = {}
    for mode, rows in runs.items():
        summary[mode] = {k: med([r[k] for r in rows]) for k in ("rps", "p50_ms", "p99_ms", "created_201", "other_status",
                                                               "repeats", "socket_errors")}
        summary[mode]["runs"] = rows
    for base in ("bare", "bare-anon"):
        if "submit" in summary and base in summary:
            ratios = []
            for s in summary["submit"]["runs"]:
                b = next(r for r in summary[base]["runs"] if r["run"] == s["run"])
                ratios.append(s["rps"] / b["rps"])
            summary[f"ratio_submit_over_{base}"] = {"per_run": [round(r, 3) for r in ratios], "median": med(ratios)}
    print("| endpoint | req/s (median) | p50 ms | p99 ms | per run req/s | others' CPU per run % | non-201 |")
    print("|---|---|---|---|---|---|---|")
    for mode in ("bare", "bare-anon", "submit"):
        if mode in summary:
            s = summary[mode]
            per = ", ".join(f"{r['rps']:.0f}" for r in s["runs"])
            bad = sum(r["ok_200"] + r["other_status"] + r["socket_errors"] for r in s["runs"])
            noise = ", ".join(f"{r.get('foreign_cpu', 0):.0f}" for r in s["runs"])
            print(f"| {mode} | {s['rps']:.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {per} | {noise} | {bad} |")
    print("\nCPU milliseconds per request, by component (median of runs):\n")
    names = sorted({k for rows in runs.values() for r in rows for k in r.get("cpu_split", {}).get("ms_per_item", {})})
    print("| endpoint | " + " | ".join(names) + " | total (all but others) |")
    print("|---|" + "---|" * (len(names) + 1))
    for mode in ("bare", "bare-anon", "submit"):
        if mode in summary:
            per = [r.get("cpu_split", {}).get("ms_per_item", {}) for r in summary[mode]["runs"]]
            cells = [med([p.get(k, 0.0) for p in per]) for k in names]
            total = med([sum(v for k, v in p.items() if k != "others") for p in per])
            print(f"| {mode} | " + " | ".join(f"{c:.2f}" for c in cells) + f" | {total:.2f} |")
    print()
    for base in ("bare", "bare-anon"):
        if f"ratio_submit_over_{base}" in summary:
            r = summary[f"ratio_submit_over_{base}"]
            print(f"- submit / {base}: median of per-run ratios {r['median']:.2f} (per run {r['per_run']})")
    return summary


def summarize_json(kind: str) -> dict:
    rows = [json.loads(p.read_text()) for p in sorted((RESULTS / kind).glob("*.json"))]
    for r in rows:  # CPU per graded response, by component, as flat figures
        for k, v in r.pop("cpu_split", {}).get("ms_per_item", {}).items():
            r[f"cpu_ms_{k}"] = v
    keys = [k for k, v in rows[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)] if rows else []
    summary = {k: med([r[k] for r in rows if r.get(k) is not None]) for k in keys}
    summary["runs"] = rows
    print("| figure | median | per run |")
    print("|---|---|---|")
    for k in keys:
        per = ", ".join(f"{r[k]:.4g}" if isinstance(r.get(k), float) else str(r.get(k)) for r in rows)
        v = summary[k]
        print(f"| {k} | {v:.4g} | {per} |" if isinstance(v, float) else f"| {k} | {v} | {per} |")
    return summary


def summarize_ratio_b() -> dict:
    """Graded per second ÷ the trivial control's rows per second, run by run (same run)."""
    ratios = []
    for path in sorted((RESULTS / "b").glob("run.*.json")):
        control = RESULTS / "trivial" / path.name
        if control.exists():
            graded, trivial = json.loads(path.read_text()), json.loads(control.read_text())
            ratios.append({"run": path.name.split(".")[1], "graded_per_s": graded["graded_per_s"],
                           "control_per_s": trivial["done_per_s"],
                           "ratio": round(graded["graded_per_s"] / trivial["done_per_s"], 3)})
    summary = {"per_run": ratios, "median": med([r["ratio"] for r in ratios])}
    per = ", ".join(f"{r['graded_per_s']} / {r['control_per_s']} = {r['ratio']}" for r in ratios)
    print(f"- graded/s ÷ trivial-task control/s: median {summary['median']} (per run: {per})")
    return summary


if __name__ == "__main__":
    kind = sys.argv[1]
    summary = (summarize_a() if kind == "a" else summarize_ratio_b() if kind == "ratio_b"
               else summarize_json(kind))
    (RESULTS / f"summary_{kind}.json").write_text(json.dumps(summary, indent=1))
