"""Upgrading a database of the release before schools/ and progress/: every row stays."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.schools.upgrade import EXPECTED, rows_survive_the_move

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_moved_models_survive_on_the_test_database():
    assert rows_survive_the_move() == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_content_types_follow_the_models_to_their_new_app():
    rows_survive_the_move()
    assert ContentType.objects.filter(app_label="schools", model="school").exists()
    assert not ContentType.objects.filter(app_label="cohorts", model="school").exists()


def test_a_sqlite_database_of_the_previous_release_upgrades_in_place(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "tests.schools.upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "rows survive the move" in done.stdout
