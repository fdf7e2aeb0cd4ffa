"""`make demo` runs on the embedded default: SQLite and grading in-process. The rest of the
suite runs on PostgreSQL, so SQL that only PostgreSQL speaks would pass it; this does not."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_seeds_on_sqlite_with_grading_in_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
               DJANGO_PRIVATE_FILES_ROOT=str(tmp_path / "private"))
    for command in (["migrate", "--no-input", "-v0"], ["seed_demo"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    assert ("Demo ready: 6 AI tools in the register, 2 courses, 2 cohorts, 42 trainees (30 in Class of 2027, "
            "12 in Promotion 2027 (FR)), 2238 answers, 44 free-text marks confirmed by faculty, 3 attestations."
            ) in done.stdout
