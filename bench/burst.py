"""Send the first N lines of the request list exactly once each, CONCURRENCY at a time, as
fast as the server answers (the burst of bench/run_e2e.sh; wrk cannot stop after exactly N).

    python bench/burst.py N [CONCURRENCY] [START_LINE]

Prints one JSON line: requests, seconds, requests/s, client latency p50/p99, statuses.
"""
import asyncio
import json
import os
import sys
import time
from pathlib import Path

REQUESTS = Path(__file__).resolve().parent / "results" / "requests.tsv"
PORT = int(os.environ.get("BENCH_PORT", "8077"))


def pct(values, p):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))]


async def post(raw: bytes) -> tuple[int, float]:
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()  # gunicorn sync workers close after each response
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - t0


async def main(n: int, concurrency: int, start: int) -> None:
    with REQUESTS.open() as f:
        lines = [line.rstrip("\n").split("\t") for _, line in zip(range(start + n), f)][start:]
    raws = [
        (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         f"Authorization: Token {token}\r\nContent-Length: {len(body.encode())}\r\nConnection: close\r\n\r\n{body}").encode()
        for path, token, body in lines
    ]
    queue = iter(raws)
    statuses: dict[int, int] = {}
    latencies: list[float] = []

    async def worker():
        for raw in queue:
            status, seconds = await post(raw)
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(seconds * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    print(json.dumps({
        "requests": len(latencies), "seconds": round(elapsed, 3), "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 50), 1), "p99_ms": round(pct(latencies, 99), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }))


if __name__ == "__main__":
    n = int(sys.argv[1])
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    start = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    asyncio.run(main(n, concurrency, start))
