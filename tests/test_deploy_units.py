"""The systemd units of deploy/systemd run what the README's services mode says, as the
`vigil` user, and are started again when they stop; the worker's stop waits for its
longest task."""
import configparser
import re
from pathlib import Path

import pytest

from training.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
UNITS = {"web": "gunicorn", "worker": "celery", "beat": "celery"}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((ROOT / "deploy" / "systemd" / f"vigil-{name}.service").read_text())
    return parser


def readme_commands() -> list[str]:
    """The commands of the README's "Services mode (production)" block, comments dropped."""
    section = (ROOT / "README.md").read_text().split("## Services mode (production)", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("name", UNITS)
def test_a_unit_runs_the_readme_command_as_vigil_and_restarts(name):
    service = unit(name)["Service"]
    assert service["User"] == "vigil" and service["Group"] == "vigil"
    assert service["EnvironmentFile"] == "/etc/vigil/env"
    assert service["WorkingDirectory"] == "/srv/vigil"
    assert service["Restart"] in {"always", "on-failure"}
    assert int(service["RestartSec"]) > 0
    program = service["ExecStart"].removeprefix("/srv/vigil/.venv/bin/")
    assert any(program.startswith(command) for command in readme_commands()), (program, readme_commands())
    assert program.startswith(UNITS[name])


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_gets_sigterm_in_its_main_process_only(name):
    assert unit(name)["Service"]["KillMode"] == "mixed"


def test_the_worker_stop_outlasts_the_longest_task():
    celery_app.loader.import_default_modules()
    limits = [task.time_limit or celery_app.conf.task_time_limit
              for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert int(unit("worker")["Service"]["TimeoutStopSec"]) > max(limits)
