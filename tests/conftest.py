"""Shared fixtures. With VIGIL_REQUIRE_SERVICES=1 (``make test``, CI) the run stops with an
error, never a skip, when PostgreSQL or Redis is missing.

Django is imported lazily, never at module level: the pure grader tests run without it
(``pytest tests/quizzes/graders -p no:django``), and then the hooks and fixtures here that
need Django do nothing."""
import os

import pytest


def _django_enabled(config) -> bool:
    """Whether pytest-django is loaded (it is not under ``-p no:django``: no settings then)."""
    return config.pluginmanager.hasplugin("django")


def pytest_configure(config):
    if not _django_enabled(config):
        return
    from django.conf import settings

    # Test users need a password, not a slow one: PBKDF2 would dominate fixtures of many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The stub and real LRSs of the tests listen on loopback, which the LRS host policy
    # refuses unless allowed (xapi.hosts); the workers the integration tests start inherit it.
    loopback = "127.0.0.1,localhost"
    os.environ.setdefault("VIGIL_XAPI_ALLOWED_HOSTS", loopback)
    settings.VIGIL_XAPI_ALLOWED_HOSTS = os.environ["VIGIL_XAPI_ALLOWED_HOSTS"].split(",")


def pytest_sessionstart(session):
    if os.environ.get("VIGIL_REQUIRE_SERVICES") != "1" or not _django_enabled(session.config):
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




@pytest.fixture(autouse=True)
def _seeded_taxonomies(request):
    """Transactional tests flush every table, the migration-seeded taxonomies included;
    put them back for any test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames
    request.getfixturevalue("transactional_db" if transactional else "db")
    from courses.models import Competency, FailureMode
    from courses.taxonomy import COMPETENCIES, FAILURE_MODES

    if not FailureMode.objects.exists():
        FailureMode.objects.bulk_create(FailureMode(code=c, name=n) for c, n in FAILURE_MODES.items())
    if not Competency.objects.exists():
        Competency.objects.bulk_create(Competency(code=c, name=n) for c, n in COMPETENCIES.items())
    from registry.models import ToolCategory
    from registry.taxonomy import CATEGORIES

    if not ToolCategory.objects.exists():
        ToolCategory.objects.bulk_create(ToolCategory(code=c["code"], name=c["name"], artifact_kinds=c["kinds"],
                                                      position=i) for i, c in enumerate(CATEGORIES))


@pytest.fixture(autouse=True)
def _english_by_default(request):
    """A request in French leaves its thread in French; every test starts and ends in English."""
    yield
    if not _django_enabled(request.config):
        return
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """The throttles count in the cache, which outlives a test: every test starts at zero."""
    yield
    if not _django_enabled(request.config):
        return
    from django.core.cache import cache

    cache.clear()
