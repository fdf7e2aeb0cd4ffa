"""The exam-start burst's load generator: a bounded script (threads, one requests.Session per
trainee, so separate accounts, cookies and sessions), every request with a timeout.

    python bench/burst/client.py BASE_URL OUT.json [--users 1000] [--window 60] [--threads 100]

Trainee i arrives at i × window / users seconds (an open arrival, as a year group clicking in
over a minute). Even trainees go through the pages as a browser without JavaScript would
(sign-in page, sign-in with the CSRF token of the form, the redirect to home, the module page,
the start form, the case page it redirects to, three answer forms each followed by the case
page); odd ones sign in the same way and then use the API (module, start, case, three answers,
CSRF token in X-CSRFToken as SessionAuthentication requires). A step is an error when its
status is not the expected one or it raised (timeout, refused connection); a 503 with
Retry-After (admission control's queue answer) is counted as "queued", waited for as told and
tried again. With --stamp every request carries X-Request-Start, as the proxy would set it. Writes per step:
count, errors, p50/p99/max latency; the arrival lag (how late a trainee started because all
threads were busy); when the last answer was answered.
"""
import argparse
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

META = Path(__file__).resolve().parents[1] / "results" / "burst" / "meta.json"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 30
QUEUED = "queued"  # a 503 with Retry-After (admission control): waited for, then tried again
QUEUE_TRIES = 20
STAMP = False
PAGE_ANSWERS = [{"answer": "b", "certainty": "2"}, {"answers": ["a", "c"]}, {"value": "9.1"}]
API_ANSWERS = [{"answer": "b", "certainty": 2}, {"answers": ["a", "c"]}, {"value": 9.1}]


def pct(values, p):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))] if s else None


class Trainee:
    def __init__(self, base: str, username: str, meta: dict, record):
        self.base, self.username, self.meta, self.record = base, username, meta, record
        self.http = requests.Session()

    def step(self, name: str, method: str, path: str, expect: int, **kw) -> requests.Response:
        for _try in range(QUEUE_TRIES):
            t0 = time.perf_counter()
            if STAMP:  # the client plays the proxy: the time it sent the request (same clock)
                kw["headers"] = {**kw.get("headers", {}), "X-Request-Start": f"t={time.time():.3f}"}
            try:
                reply = self.http.request(method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kw)
            except requests.RequestException as exc:
                self.record(name, time.perf_counter() - t0, f"{type(exc).__name__}")
                raise
            if reply.status_code != 503 or "Retry-After" not in reply.headers:
                break
            self.record(name, time.perf_counter() - t0, QUEUED)  # the queue answer: wait as told, again
            time.sleep(int(reply.headers["Retry-After"]))
        ok = reply.status_code == expect
        self.record(name, time.perf_counter() - t0, None if ok else f"HTTP {reply.status_code}")
        if not ok:
            raise RuntimeError(f"{name}: {reply.status_code}")
        return reply

    def csrf(self, html: str) -> str:
        found = CSRF_FIELD.search(html)
        if not found:
            raise RuntimeError("no CSRF field")
        return found.group(1)

    def sign_in(self) -> None:
        page = self.step("login_page", "GET", "/accounts/login/", 200)
        reply = self.step("sign_in", "POST", "/accounts/login/", 302, data={
            "csrfmiddlewaretoken": self.csrf(page.text), "username": self.username,
            "password": self.meta["password"]})
        self.home = reply.headers["Location"]

    def by_pages(self) -> None:
        m, c = self.meta["module"], self.meta["case"]
        self.step("home_page", "GET", self.home, 200)
        page = self.step("module_page", "GET", f"/learn/modules/{m}/", 200)
        start = self.step("start_form", "POST", f"/learn/modules/{m}/start/", 302,
                          data={"csrfmiddlewaretoken": self.csrf(page.text)})
        case = self.step("case_page", "GET", start.headers["Location"], 200)
        attempt = re.search(r'action="/learn/attempts/(\d+)/items/', case.text).group(1)
        for k, (item, answer) in enumerate(zip(self.meta["items"], PAGE_ANSWERS), 1):
            done = self.step(f"answer_form_{k}", "POST", f"/learn/attempts/{attempt}/items/{item}/answer/", 302,
                             data={"csrfmiddlewaretoken": self.csrf(case.text), **answer})
            case = self.step("case_page", "GET", done.headers["Location"].split("#")[0], 200)

    def by_api(self) -> None:
        m, c = self.meta["module"], self.meta["case"]
        headers = {"X-CSRFToken": self.http.cookies["csrftoken"]}
        self.step("api_module", "GET", f"/api/v1/modules/{m}/", 200)
        attempt = self.step("api_start", "POST", f"/api/v1/modules/{m}/attempts/", 201, headers=headers).json()["id"]
        self.step("api_case", "GET", f"/api/v1/cases/{c}/", 200)
        for k, (item, answer) in enumerate(zip(self.meta["items"], API_ANSWERS), 1):
            self.step(f"api_answer_{k}", "POST", f"/api/v1/attempts/{attempt}/items/{item}/response/", 201,
                      json={"answer": answer}, headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("out")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--stamp", action="store_true", help="send X-Request-Start, as a proxy would")
    args = parser.parse_args()
    global STAMP
    STAMP = args.stamp
    meta = json.loads(META.read_text())
    users = meta["users"][:args.users]
    assert len(users) == args.users, f"only {len(users)} burst trainees prepared"
    lock = threading.Lock()
    samples: dict[str, list[float]] = {}
    errors: dict[str, dict[str, int]] = {}
    lags: list[float] = []
    queued: dict[str, int] = {}
    finished: list[float] = []
    failed_trainees: list[str] = []

    def record(step: str, seconds: float, error: str | None) -> None:
        with lock:
            if error == QUEUED:
                queued[step] = queued.get(step, 0) + 1
                return
            samples.setdefault(step, []).append(seconds * 1000)
            if error:
                errors.setdefault(step, {}).setdefault(error, 0)
                errors[step][error] += 1

    t0 = time.monotonic()
    wall0 = time.time()

    def run(i: int) -> None:
        due = t0 + i * args.window / len(users)
        time.sleep(max(0.0, due - time.monotonic()))
        with lock:
            lags.append(time.monotonic() - due)
        trainee = Trainee(args.base, users[i], meta, record)
        try:
            trainee.sign_in()
            trainee.by_pages() if i % 2 == 0 else trainee.by_api()
            with lock:
                finished.append(time.monotonic() - t0)
        except Exception:  # recorded as the step's error; the trainee stops there
            with lock:
                failed_trainees.append(users[i])

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        list(pool.map(run, range(len(users))))
    elapsed = time.monotonic() - t0
    steps = {
        name: {"count": len(v), "errors": sum(errors.get(name, {}).values()), "error_kinds": errors.get(name, {}),
               "queued": queued.get(name, 0),
               "p50_ms": round(pct(v, 50), 1), "p99_ms": round(pct(v, 99), 1), "max_ms": round(max(v), 1)}
        for name, v in samples.items()
    }
    result = {
        "users": len(users), "window_s": args.window, "threads": args.threads,
        "completed": len(finished), "failed": len(failed_trainees),
        "errors": sum(s["errors"] for s in steps.values()), "queued": sum(queued.values()),
        "completed_within_60s": sum(t <= 60 for t in finished),
        "last_trainee_done_s": round(max(finished), 2) if finished else None,
        "elapsed_s": round(elapsed, 2), "burst_end_epoch": wall0 + elapsed, "burst_start_epoch": wall0,
        "arrival_lag_p50_s": round(pct(lags, 50), 2), "arrival_lag_max_s": round(max(lags), 2),
        "steps": steps,
    }
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "steps"}))


if __name__ == "__main__":
    main()
