"""Shared fixtures. With VIGIL_REQUIRE_SERVICES=1 (``make test``, CI) the run stops with an
error, never a skip, when PostgreSQL or Redis is missing."""
import os
import tempfile

import pytest

# Uploaded media of a test run go to a throwaway folder, never the demo's.
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="vigil-test-media-"))


def pytest_sessionstart(session):
    if os.environ.get("VIGIL_REQUIRE_SERVICES") != "1":
        return
    from django.conf import settings

    problems = []
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        problems.append("DATABASE_URL must point at PostgreSQL")
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL or "redis://127.0.0.1:6379/0", socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the broker is unusable
        problems.append(f"Redis at {settings.REDIS_URL!r} does not answer: {exc}")
    if problems:
        pytest.exit("Required services missing: " + "; ".join(problems), returncode=3)


