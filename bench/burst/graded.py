"""After the burst: wait (bounded) until every answer of the burst trainees is graded and say
how long after the burst's end the last one was.

    python bench/burst/graded.py CLIENT.json [--limit 10] [--wait 90]
"""
import argparse
import json
import os
import time
from datetime import datetime, timezone

import psycopg

DSN = os.environ["DATABASE_URL"]
assert DSN.rsplit("/", 1)[-1].startswith("vigil_bench"), "source bench/env.sh first"
QUERY = """SELECT count(*), count(g.id), max(g.graded_at), count(*) FILTER (WHERE r.state = 'failed')
           FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id
           JOIN accounts_user u ON u.id = a.trainee_id LEFT JOIN quizzes_grade g ON g.response_id = r.id
           WHERE u.username LIKE 'examday%%' AND r.state <> 'unaided'"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client_json")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--wait", type=float, default=90.0)
    args = parser.parse_args()
    burst = json.loads(open(args.client_json).read())
    end = datetime.fromtimestamp(burst["burst_end_epoch"], tz=timezone.utc)
    deadline = time.monotonic() + args.wait
    with psycopg.connect(DSN, autocommit=True) as conn:
        while True:
            total, graded, last, failed = conn.execute(QUERY).fetchone()
            if graded + failed >= total or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        late = conn.execute(
            "SELECT count(*) FROM quizzes_grade g JOIN quizzes_response r ON r.id = g.response_id "
            "JOIN quizzes_attempt a ON a.id = r.attempt_id JOIN accounts_user u ON u.id = a.trainee_id "
            "WHERE u.username LIKE 'examday%%' AND g.graded_at > %s", [end]).fetchone()[0]
    after = (last - end).total_seconds() if last else None
    result = {"answers": total, "graded": graded, "failed": failed, "graded_after_burst_end": late,
              "last_graded_s_after_burst_end": round(after, 2) if after is not None else None,
              "all_graded_within_limit": total > 0 and graded == total and (after is None or after <= args.limit),
              "limit_s": args.limit}
    burst["grading"] = result
    open(args.client_json, "w").write(json.dumps(burst, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
