"""Production settings pass Django's deployment checklist once HTTPS is switched on."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_is_clean_with_the_documented_https_settings():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the live server; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 30 + "-not-a-real-secret-" + "x" * 30,
           "DJANGO_ALLOWED_HOSTS": "vigil.example", "DJANGO_SSL_REDIRECT": "true", "DJANGO_HSTS_SECONDS": "31536000",
           "DJANGO_HSTS_PRELOAD": "true", "DJANGO_TRUST_X_FORWARDED_PROTO": "true"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
