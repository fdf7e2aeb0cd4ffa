"""Registering an identity provider in the Django admin (until the school administration pages)."""
from django.core.files.uploadedfile import SimpleUploadedFile

from schools.models import AuditEvent
from sso.models import IdentityProvider
from tests.factories import SchoolFactory, UserFactory


def _form(school, idp, **extra):
    return {"school": school.pk, "name": "ENT", "entity_id": idp.entity_id, "source": "file", "enabled": "on",
            "identifier_attribute": "eduPersonPrincipalName", "email_attribute": "mail",
            "first_name_attribute": "givenName", "last_name_attribute": "sn",
            "student_number_attribute": "supannEtuId", "link_accounts": "never", "metadata_url": "", "discovery_url": "", **extra}


def test_a_platform_admin_registers_an_idp_from_a_metadata_file(client, idp, db):
    school = SchoolFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("idp.xml", idp.metadata().encode(), content_type="application/xml")
    answer = client.post("/admin/sso/identityprovider/add/", _form(school, idp, metadata_file=upload))
    assert answer.status_code == 302
    registered = IdentityProvider.objects.get(school=school)
    assert idp.entity_id in registered.metadata_xml
    assert AuditEvent.objects.filter(action="sso.idp.register", school=school).exists()


def test_a_file_of_another_entity_is_refused_on_the_form(client, idp, other_idp, db):
    school = SchoolFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("idp.xml", other_idp.metadata().encode(), content_type="application/xml")
    answer = client.post("/admin/sso/identityprovider/add/", _form(school, idp, metadata_file=upload))
    assert answer.status_code == 200
    assert "does not describe the entity" in answer.content.decode()
    assert not IdentityProvider.objects.exists()
