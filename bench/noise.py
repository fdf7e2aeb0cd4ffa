"""CPU accounting of a measurement, from /proc (the machine is shared).

    python bench/noise.py snapshot FILE      # save CPU times of every process
    python bench/noise.py since FILE         # CPU share (% of all cores) taken since by other
                                             # people's processes: outside the bench's process
                                             # group, PostgreSQL and Redis excluded
    python bench/noise.py split FILE [N]     # CPU seconds since, by component (web, worker,
                                             # PostgreSQL backends of the bench db, Redis, load
                                             # generator, others); with N, milliseconds per item;
                                             # and the hypervisor's steal time

Processes that ended in between are not counted (their CPU is lost to /proc).
"""
import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
BENCH_DB = os.environ.get("BENCH_DB", "vigil_bench")


def processes() -> dict[str, list]:
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                raw = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:200]
        except OSError:
            continue
        comm = raw[raw.index("(") + 1: raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        pgid, utime, stime, start = int(fields[2]), int(fields[11]), int(fields[12]), int(fields[19])
        out[pid] = [comm, pgid, utime + stime, start, cmd]
    return out


def cpu_stat() -> list[int]:
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:]]


def deltas(before: dict, after: dict):
    for pid, (comm, pgid, cpu, start, cmd) in after.items():
        prev = before.get(pid)
        yield comm, pgid, (cpu - prev[2] if prev and prev[3] == start else cpu) / HZ, cmd


def component(comm: str, pgid: int, cmd: str, own_pgid: int) -> str:
    if comm.startswith("postgres") or cmd.startswith("postgres"):
        return "postgres (bench db)" if f" {BENCH_DB} " in cmd else "postgres (other)"
    if comm.startswith("redis"):
        return "redis"
    if pgid != own_pgid:
        return "others"
    if "gunicorn" in cmd:
        return "web (gunicorn)"
    if "celery" in cmd:
        return "worker (celery)"
    if comm == "wrk" or "burst.py" in cmd or "e2e.py" in cmd:
        return "load generator"
    return "bench scripts"


def main() -> None:
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "snapshot":
        with open(path, "w") as f:
            json.dump({"time": time.time(), "procs": processes(), "stat": cpu_stat()}, f)
        return
    with open(path) as f:
        before = json.load(f)
    elapsed = time.time() - before["time"]
    own = os.getpgid(0)
    if cmd == "since":
        seconds = sum(s for comm, pgid, s, c in deltas(before["procs"], processes())
                      if component(comm, pgid, c, own) == "others")
        print(round(100.0 * seconds / (elapsed * CPUS), 1))
        return
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    split: dict[str, float] = {}
    for comm, pgid, s, c in deltas(before["procs"], processes()):
        name = component(comm, pgid, c, own)
        split[name] = split.get(name, 0.0) + s
    idle = elapsed * CPUS - sum(split.values())
    out = {"elapsed_s": round(elapsed, 2), "cpu_s": {k: round(v, 2) for k, v in sorted(split.items())},
           "idle_s": round(max(idle, 0.0), 2)}
    if "stat" in before:  # time the hypervisor gave to other guests (steal), % of all cores
        now = cpu_stat()
        out["steal_pct"] = round(100.0 * (now[7] - before["stat"][7]) / HZ / (elapsed * CPUS), 1)
    if n:
        out["ms_per_item"] = {k: round(1000 * v / n, 2) for k, v in sorted(split.items())}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
