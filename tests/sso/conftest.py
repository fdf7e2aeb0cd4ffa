"""Fixtures of the single sign-on tests: a real pysaml2 identity provider on 127.0.0.1 (keys
made by the test), registered by a school, and the sign-on run through Django's test client
following the HTTP-POST binding (the browser test runs it in Chromium)."""
import pytest
import requests
from django.db import transaction

from sso import services
from tests.factories import SchoolFactory

from .idp import FormReader, TestIdentityProvider


@pytest.fixture
def idp(tmp_path):
    provider = TestIdentityProvider(tmp_path, "idp")
    yield provider
    provider.close()


@pytest.fixture
def other_idp(tmp_path):
    provider = TestIdentityProvider(tmp_path, "other-idp")
    yield provider
    provider.close()


def register(school, provider, client, **fields):
    """``school`` registers ``provider`` (its metadata as a file), which trusts the school's SP."""
    with transaction.atomic():
        registered = services.idp_register(school=school, name=f"{school.name} university",
                                           entity_id=provider.entity_id, source="file",
                                           metadata_xml=provider.metadata(), **fields)
    answer = client.get(f"/sso/{school.slug}/metadata/")
    assert answer.status_code == 200
    provider.trust(answer.content.decode())
    return registered


@pytest.fixture
def school(db):
    return SchoolFactory(name="Université A", slug="univ-a")


@pytest.fixture
def school_idp(school, idp, client):
    return register(school, idp, client)


def idp_answer(client, slug: str, **params) -> tuple[str, dict]:
    """Start a sign-on at ``slug``, post the AuthnRequest to the identity provider, and
    return where its answer posts to (the ACS) and the answer's fields (SAMLResponse…)."""
    start = client.get(f"/sso/{slug}/login/", params)
    assert start.status_code == 200, start.content
    form = FormReader(start.content.decode())
    answer = requests.post(form.action, data=form.fields, timeout=10)
    answer.raise_for_status()
    back = FormReader(answer.text)
    return back.action, back.fields


def sign_on(client, slug: str, **params):
    acs, fields = idp_answer(client, slug, **params)
    return client.post(acs, fields)
