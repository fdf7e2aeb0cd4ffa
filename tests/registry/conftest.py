import pytest

from tests.security.world import build_school


@pytest.fixture
def two(db, settings, tmp_path):
    """Two schools of the permission matrix's world, each with one AI tool in its register."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_school("A"), build_school("B")
