"""The sign-in protection and the headers are set from the environment (README, "Sign-in
protection and headers")."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "limit": s.AXES_FAILURE_LIMIT, "cooloff": s.AXES_COOLOFF_TIME.total_seconds(),
    "proxies": s.REST_FRAMEWORK["NUM_PROXIES"], "rates": s.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "frame_ancestors": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"],
}))
"""


NAMES = ("VIGIL_SIGNIN_FAILURE_LIMIT", "VIGIL_SIGNIN_COOLOFF_MINUTES", "DJANGO_TRUSTED_PROXY_COUNT",
         "VIGIL_PASSWORD_RESET_RATE", "VIGIL_PASSWORD_RESET_IP_RATE", "VIGIL_CSP_FRAME_ANCESTORS")


def _settings(**variables) -> dict:
    inherited = {k: v for k, v in os.environ.items() if k not in NAMES}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "training.settings", **variables}
    done = subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_variables_set_the_limits():
    s = _settings(VIGIL_SIGNIN_FAILURE_LIMIT="3", VIGIL_SIGNIN_COOLOFF_MINUTES="60", DJANGO_TRUSTED_PROXY_COUNT="1",
                  VIGIL_PASSWORD_RESET_RATE="2/hour", VIGIL_PASSWORD_RESET_IP_RATE="10/day",
                  VIGIL_CSP_FRAME_ANCESTORS="'self',https://lms.example")
    assert (s["limit"], s["cooloff"], s["proxies"]) == (3, 3600, 1)
    assert (s["rates"]["password_reset_email"], s["rates"]["password_reset_ip"]) == ("2/hour", "10/day")
    assert s["frame_ancestors"] == ["'self'", "https://lms.example"]


def test_without_variables_x_forwarded_for_is_not_believed():
    s = _settings()
    assert s["proxies"] == 0
    assert s["frame_ancestors"] == ["'none'"]
