"""The checks of the multi-host run (bench/multihost/run.sh), from the client host: HTTP to the
web host as a browser and an API client would, SQL to the database host only to read how
many answers are graded, S3 to the files host only to see where the export landed.

    python bench/multihost/driver.py grade|export|outage-before|outage-after SEED.json

Each phase prints "PASS name: …" or "FAIL name: …" (and "INFO …" lines) and exits 1 on a failure.
"""
import json
import os
import re
import subprocess
import sys
import time

import boto3
import psycopg
import requests

WEB = os.environ["MH_WEB_URL"]
DSN = os.environ["MH_DATABASE_URL"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 15
STATE = os.environ.get("MH_STATE", "/tmp/multihost-driver.json")


def say(ok: bool, name: str, detail: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
    if not ok:
        sys.exit(1)


def signed_in(username: str, password: str) -> requests.Session:
    """A session signed in through the sign-in page, CSRF token of the form included."""
    http = requests.Session()
    page = http.get(f"{WEB}/accounts/login/", timeout=TIMEOUT)
    token = CSRF_FIELD.search(page.text).group(1)
    reply = http.post(f"{WEB}/accounts/login/", timeout=TIMEOUT, allow_redirects=False,
                      data={"csrfmiddlewaretoken": token, "username": username, "password": password},
                      headers={"Referer": f"{WEB}/accounts/login/"})
    if reply.status_code != 302:
        say(False, "sign-in", f"{username}: HTTP {reply.status_code}")
    return http


def graded_counts(attempt: int) -> tuple[int, int, int]:
    """(answers, graded answers, grades) of the attempt."""
    with psycopg.connect(DSN, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(
            "SELECT count(DISTINCT r.id), count(DISTINCT r.id) FILTER (WHERE r.state = 'graded'), count(g.id) "
            "FROM quizzes_response r LEFT JOIN quizzes_grade g ON g.response_id = r.id WHERE r.attempt_id = %s",
            [attempt]).fetchone()


def wait_graded(attempt: int, want: int, limit: float) -> float | None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        total, graded, _grades = graded_counts(attempt)
        if total >= want and graded == total:
            return time.monotonic() - t0
        time.sleep(0.25)
    return None


class Trainee:
    def __init__(self, seed: dict):
        self.seed = seed
        self.http = signed_in(seed["trainee"], seed["password"])
        self.headers = {"X-CSRFToken": self.http.cookies["csrftoken"], "Referer": WEB + "/"}

    def start(self) -> int:
        reply = self.http.post(f"{WEB}/api/v1/modules/{self.seed['module']}/attempts/", headers=self.headers,
                               timeout=TIMEOUT)
        if reply.status_code not in (200, 201):
            say(False, "attempt", f"start: HTTP {reply.status_code} {reply.text[:200]}")
        return reply.json()["id"]

    def answer(self, attempt: int, item: int) -> None:
        reply = self.http.post(f"{WEB}/api/v1/attempts/{attempt}/items/{item}/response/", headers=self.headers,
                               json={"answer": {"answer": "b"}}, timeout=TIMEOUT)
        if reply.status_code != 201:
            say(False, "submit", f"item {item}: HTTP {reply.status_code} {reply.text[:200]}")


def grade(seed: dict) -> None:
    trainee = Trainee(seed)
    attempt = trainee.start()
    t0 = time.monotonic()
    trainee.answer(attempt, seed["items"][0])
    took = wait_graded(attempt, 1, 30)
    say(took is not None, "submit graded by the worker host",
        f"answered on the web host, graded {time.monotonic() - t0:.2f} s later" if took else "not graded in 30 s")
    json.dump({"attempt": attempt}, open(STATE, "w"))


def export(seed: dict) -> None:
    http = signed_in(seed["reviewer"], seed["password"])
    page = http.get(f"{WEB}/school/cohorts/{seed['cohort']}/exports/", timeout=TIMEOUT)
    token = CSRF_FIELD.search(page.text).group(1)
    asked = http.post(f"{WEB}/school/cohorts/{seed['cohort']}/exports/", allow_redirects=False, timeout=TIMEOUT,
                      data={"csrfmiddlewaretoken": token, "kind": "progress", "format": "csv", "course": ""},
                      headers={"Referer": f"{WEB}/school/cohorts/{seed['cohort']}/exports/"})
    if asked.status_code != 302:
        say(False, "export", f"request: HTTP {asked.status_code}")
    job = re.search(r"/school/exports/(\d+)/", asked.headers["Location"]).group(1)
    deadline, status = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        status = http.get(f"{WEB}/school/exports/{job}/status/", timeout=TIMEOUT).json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    if status.get("status") != "done":
        say(False, "export built on the worker host", f"job {job}: {status}")
    body = http.get(WEB + status["download_url"], timeout=TIMEOUT)
    s3 = boto3.client("s3", endpoint_url=os.environ["VIGIL_S3_ENDPOINT_URL"], region_name=os.environ["VIGIL_S3_REGION"],
                      aws_access_key_id=os.environ["VIGIL_S3_ACCESS_KEY_ID"],
                      aws_secret_access_key=os.environ["VIGIL_S3_SECRET_ACCESS_KEY"])
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=os.environ["VIGIL_S3_BUCKET"]).get("Contents", [])]
    stored = s3.get_object(Bucket=os.environ["VIGIL_S3_BUCKET"], Key=keys[0])["Body"].read() if keys else b""
    ok = body.status_code == 200 and b"username" in body.content and seed["trainee"].encode() in body.content
    say(ok and body.content == stored and len(keys) == 1, "export built on the worker host, downloaded from the web host",
        f"HTTP {body.status_code}, {len(body.content)} bytes, the bucket holds {keys}")


def outage_before(seed: dict) -> None:
    """A first batch submitted, and the worker host cut off (MH_CUT_COMMAND) right after, while
    it is grading that batch."""
    attempt = json.load(open(STATE))["attempt"]
    trainee = Trainee(seed)
    for item in seed["items"][1:11]:
        trainee.answer(attempt, item)
    subprocess.run(os.environ["MH_CUT_COMMAND"], shell=True, check=True)  # at once: mid-task, if it can be
    print(f"INFO submitted 10 answers; {graded_counts(attempt)[1]} of 11 graded when the worker host was cut", flush=True)


def outage_during(seed: dict) -> None:
    """While the worker host is cut off: the web host still takes answers; none is graded."""
    attempt = json.load(open(STATE))["attempt"]
    trainee = Trainee(seed)
    for item in seed["items"][11:21]:
        trainee.answer(attempt, item)
    before = graded_counts(attempt)
    time.sleep(float(os.environ.get("MH_CUT_SECONDS", "15")))
    total, graded, _ = graded_counts(attempt)
    json.dump({"attempt": attempt, "graded_during_cut": graded}, open(STATE, "w"))
    say(total == 21 and graded == before[1], "the web host takes answers while the worker host is cut off",
        f"{total} answers stored, {graded} graded after {os.environ.get('MH_CUT_SECONDS', '15')} s of cut")


def outage_after(seed: dict) -> None:
    attempt = json.load(open(STATE))["attempt"]
    t0 = time.monotonic()
    took = wait_graded(attempt, 21, float(os.environ.get("MH_RECOVER_LIMIT", "120")))
    total, graded, grades = graded_counts(attempt)
    say(took is not None and grades == total, "worker host cut off and restored: nothing lost",
        f"{graded} of {total} answers graded, {grades} grades, "
        f"{took:.1f} s after the link came back" if took is not None else
        f"{graded} of {total} answers graded {time.monotonic() - t0:.0f} s after the link came back")


PHASES = {"grade": grade, "export": export, "outage-before": outage_before, "outage-during": outage_during,
          "outage-after": outage_after}

if __name__ == "__main__":
    PHASES[sys.argv[1]](json.load(open(sys.argv[2])))
