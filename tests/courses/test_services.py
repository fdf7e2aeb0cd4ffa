"""Course version services: drafts are deep copies, publishing checks completeness,
published versions refuse edits, a course has one draft at most."""
from decimal import Decimal

import pytest

from courses.models import Artifact, CourseVersion, Item, ItemKey, MediaAsset
from courses.packages.serialize import version_to_package
from courses.selectors import course_latest_published, version_tree
from courses.services import (
    course_create,
    course_version_create_draft,
    course_version_publish,
    course_version_update,
    course_version_withdraw,
    ensure_editable,
)
from tests.factories import (
    ArtifactFactory,
    CaseFactory,
    CourseVersionFactory,
    ItemFactory,
    ModuleFactory,
    UserFactory,
)
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db


def draft_with_one_case(**item_kwargs) -> CourseVersion:
    """A draft whose single case has a wrong AI text (HAL) and one item."""
    version = CourseVersionFactory(status=CourseVersion.Status.DRAFT, published_at=None)
    case = CaseFactory(module=ModuleFactory(version=version, position=0), position=0)
    artifact = ArtifactFactory(case=case, slug="note", position=0)
    artifact.failure_modes.set(["HAL"])
    ItemFactory(case=case, position=0, **item_kwargs)
    return version


# --- drafts ---------------------------------------------------------------------------

def test_draft_copies_the_whole_tree(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())

    assert (draft.number, draft.status) == (2, CourseVersion.Status.DRAFT)
    assert version_to_package(draft) == version_to_package(published)


def test_draft_copy_shares_no_row_with_its_source(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())

    source_items = set(Item.objects.filter(case__module__version=published).values_list("pk", flat=True))
    draft_items = set(Item.objects.filter(case__module__version=draft).values_list("pk", flat=True))
    assert draft_items and not draft_items & source_items
    draft_artifacts = Artifact.objects.filter(case__module__version=draft)
    assert not Item.objects.filter(case__module__version=draft).exclude(artifact__in=draft_artifacts).exclude(
        artifact=None).exists()


def test_editing_the_draft_leaves_the_published_version_unchanged(published):
    before = version_to_package(published)
    draft = course_version_create_draft(course=published.course, user=UserFactory())

    ItemKey.objects.filter(item__case__module__version=draft, item__slug="which-lobe").update(answer={"answer": "rul"})
    Artifact.objects.filter(case__module__version=draft, slug="letter").update(content={"text": "Edited."})
    Item.objects.get(case__module__version=draft, slug="concerns").competencies.set(["FND"])

    assert version_to_package(published) == before


def test_draft_copy_keeps_the_media_rows(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())

    copied = MediaAsset.objects.get(version=draft)
    original = MediaAsset.objects.get(version=published)
    assert (copied.path, copied.file.name, copied.sha256) == (original.path, original.file.name, original.sha256)


def test_a_second_draft_is_refused(published):
    course_version_create_draft(course=published.course, user=UserFactory())

    with pytest.raises(Conflict) as error:
        course_version_create_draft(course=published.course, user=UserFactory())
    assert error.value.status_code == 409


# --- publishing -----------------------------------------------------------------------

def test_publish_sets_status_and_date():
    version = draft_with_one_case()

    published = course_version_publish(version=version, user=UserFactory())

    published.refresh_from_db()
    assert published.status == CourseVersion.Status.PUBLISHED
    assert published.published_at is not None


def test_publish_reports_a_case_without_items_at_its_path():
    version = draft_with_one_case()
    empty = CaseFactory(module=version.modules.get(), position=1)
    ArtifactFactory(case=empty, position=0).failure_modes.set(["HAL"])

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert error.value.errors == {"modules[0].cases[1].items": ["must have at least 1 item"]}


def test_publish_reports_a_case_without_artifacts_at_its_path():
    version = draft_with_one_case()
    ItemFactory(case=CaseFactory(module=version.modules.get(), position=1), position=0)

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert error.value.errors == {"modules[0].cases[1].artifacts": [
        "the case has no AI output yet: add the one its questions are about (artifacts must have at least 1 item)"]}


def test_publish_reports_an_invalid_key_at_its_path():
    version = draft_with_one_case(key={"answer": "z"})

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert error.value.errors == {"modules[0].cases[0].items[0].key.answer": ["z is not an option of this item"]}


def test_publish_reports_span_errors_inside_the_key():
    version = draft_with_one_case(
        type=Item.Type.ERROR_SPANS, spec={}, key={"spans": [{"start": 20, "end": 10, "failure_mode": "HAL"}]},
    )
    Item.objects.filter(case__module__version=version).update(artifact=Artifact.objects.get(slug="note"))

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert error.value.errors == {"modules[0].cases[0].items[0].key.spans[0].end": ["must be greater than start"]}


def test_publish_reports_an_item_without_competency():
    version = draft_with_one_case()
    Item.objects.get(case__module__version=version).competencies.clear()

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert error.value.errors == {"modules[0].cases[0].items[0].competencies": ["must have at least 1 item"]}


def test_publish_reports_a_reliance_key_contradicting_the_ground_truth():
    spec = {"question": "Act?", "options": [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}],
            "ai_answer": "yes"}
    version = draft_with_one_case(type=Item.Type.RELIANCE_DECISION, spec=spec, key={"answer": "yes"})
    Item.objects.filter(case__module__version=version).update(artifact=Artifact.objects.get(slug="note"))

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=version, user=UserFactory())
    assert list(error.value.errors) == ["modules[0].cases[0].items[0].key.answer"]


def test_publish_reports_an_image_whose_media_row_is_missing(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())
    MediaAsset.objects.filter(version=draft).delete()

    with pytest.raises(ApplicationError) as error:
        course_version_publish(version=draft, user=UserFactory())
    assert error.value.errors == {
        "modules[1].cases[0].artifacts[0].content.src": ["no media file media/cxr.svg in this version"],
    }


def test_an_incomplete_version_stays_a_draft():
    version = draft_with_one_case(key={"answer": "z"})

    with pytest.raises(ApplicationError):
        course_version_publish(version=version, user=UserFactory())
    version.refresh_from_db()
    assert (version.status, version.published_at) == (CourseVersion.Status.DRAFT, None)


def test_publishing_a_published_version_is_a_conflict(published):
    with pytest.raises(Conflict):
        course_version_publish(version=published, user=UserFactory())


# --- immutability ---------------------------------------------------------------------

def test_published_version_refuses_edits(published):
    with pytest.raises(Conflict) as error:
        course_version_update(version=published, title="New title")
    assert error.value.message == "Published versions are immutable; create a draft."


def test_a_stale_draft_instance_refuses_edits_after_publish():
    version = draft_with_one_case()
    stale = CourseVersion.objects.get(pk=version.pk)
    course_version_publish(version=version, user=UserFactory())

    with pytest.raises(Conflict):
        course_version_update(version=stale, title="Too late")
    assert CourseVersion.objects.get(pk=version.pk).title != "Too late"


def test_ensure_editable_refuses_a_withdrawn_version():
    version = CourseVersionFactory(status=CourseVersion.Status.WITHDRAWN)

    with pytest.raises(Conflict):
        ensure_editable(version)


def test_update_changes_a_draft():
    version = draft_with_one_case()

    course_version_update(version=version, title="Verifying AI", summary="Short.", hours=Decimal("2.5"))

    version.refresh_from_db()
    assert (version.title, version.summary, version.hours) == ("Verifying AI", "Short.", Decimal("2.5"))


def test_update_refuses_unknown_fields():
    with pytest.raises(ApplicationError) as error:
        course_version_update(version=draft_with_one_case(), status="published")
    assert error.value.errors == {"status": ["Unknown field."]}


def test_update_refuses_negative_hours():
    with pytest.raises(ApplicationError) as error:
        course_version_update(version=draft_with_one_case(), hours=Decimal("-1"))
    assert list(error.value.errors) == ["hours"]


# --- courses and withdrawal -------------------------------------------------------------

def test_course_create_makes_an_empty_draft_v1():
    user = UserFactory()

    course = course_create(slug="new-course", title="New", language="fr", user=user)

    version = course.versions.get()
    assert (course.owner, version.number, version.status, version.language) == (user, 1, "draft", "fr")


def test_course_create_refuses_a_used_slug(published):
    with pytest.raises(Conflict) as error:
        course_create(slug="mini-course", title="Again", language="en", user=UserFactory())
    assert list(error.value.errors) == ["slug"]


def test_course_create_refuses_a_bad_slug():
    with pytest.raises(ApplicationError) as error:
        course_create(slug="Not a slug", title="T", language="en", user=UserFactory())
    assert list(error.value.errors) == ["slug"]


def test_withdrawn_version_is_no_longer_the_latest_published(published):
    draft = course_version_create_draft(course=published.course, user=UserFactory())
    second = course_version_publish(version=draft, user=UserFactory())

    course_version_withdraw(version=second, user=UserFactory())

    assert course_latest_published(course=published.course) == published


def test_withdrawing_a_draft_is_a_conflict():
    with pytest.raises(Conflict):
        course_version_withdraw(version=draft_with_one_case(), user=UserFactory())


def test_version_tree_costs_a_fixed_number_of_queries(published, django_assert_num_queries):
    with django_assert_num_queries(8):
        modules = version_tree(version=published)
        items = [item for m in modules for c in m.cases.all() for item in c.items.all()]
        [(i.key.answer, i.artifact and i.artifact.slug, list(i.competencies.all())) for i in items]
    assert len(items) == 7


def test_creating_a_draft_costs_a_fixed_number_of_queries(published, django_assert_num_queries):
    with django_assert_num_queries(26):  # the same for the 53-item demo course
        course_version_create_draft(course=published.course, user=None)


def test_publishing_costs_a_fixed_number_of_queries(published, django_assert_num_queries):
    draft = course_version_create_draft(course=published.course, user=None)

    with django_assert_num_queries(15):  # the same for the 53-item demo course
        course_version_publish(version=draft, user=None)
