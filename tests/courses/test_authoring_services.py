"""Per-row authoring services: every edit of a draft is validated by the package rules,
reports problems at their paths, writes all or nothing, and refuses published versions."""
import pytest

from schools.models import Role
from courses import authoring
from courses.authoring import ArtifactInput, ItemInput
from courses.models import Artifact, Case, CourseVersion, Item, ItemKey, Lesson, MediaAsset, Module
from courses.packages.validation import version_problems
from courses.services import course_create, course_version_create_draft, course_version_publish
from tests.factories import MembershipFactory, UserFactory
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db

NOTE = "Mrs D, 72, has a penicillin allergy. Plan: amoxicillin 1 g three times daily."
S = NOTE.index("a penicillin allergy")
E = S + len("a penicillin allergy")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x40\x00\x00\x00\x20\x08\x02\x00\x00\x00" + b"\x00" * 40


@pytest.fixture
def author(db):
    return MembershipFactory(role=Role.FACULTY).user


@pytest.fixture
def draft(author):
    course = course_create(slug="studio-course", title="Studio course", language="en", user=author)
    return course.versions.get()


@pytest.fixture
def case(draft):
    module = authoring.module_create(version=draft, title="Verifying text")
    return authoring.case_create(module=module, title="A letter", vignette="A synthetic patient.")


@pytest.fixture
def note(case):
    return authoring.artifact_create(case=case, data=ArtifactInput(
        title="AI letter", kind="text", content={"text": NOTE}, ai_correct=False, failure_modes=["HAL"],
    ))


def spans_item(case, note, spans, **more):
    return authoring.item_create(case=case, data=ItemInput(
        item_type="error_spans", prompt="Find the errors.", spec={"labels_required": True}, key={"spans": spans},
        competencies=["VER"], failure_modes=["HAL"], artifact_id=note.pk, **more,
    ))


# --- modules, lessons, cases --------------------------------------------------------------

def test_slugs_are_made_from_titles_and_stay_unique(draft):
    first = authoring.module_create(version=draft, title="Verifying AI text")
    second = authoring.module_create(version=draft, title="Verifying AI text")
    assert (first.slug, second.slug) == ("verifying-ai-text", "verifying-ai-text-2")
    assert (first.position, second.position) == (0, 1)


def test_a_bad_slug_and_an_empty_title_are_reported_by_field(draft):
    with pytest.raises(ApplicationError) as error:
        authoring.module_create(version=draft, title=" ", slug="Bad Slug!")
    assert set(error.value.errors) == {"title", "slug"}
    assert not Module.objects.exists()


def test_lessons_keep_their_markdown_with_unix_line_breaks(case):
    lesson = authoring.lesson_create(module=case.module, title="Why", body="Line one\r\nLine two")
    assert Lesson.objects.get(pk=lesson.pk).body == "Line one\nLine two"


def test_reordering_swaps_neighbours_and_stops_at_the_ends(draft):
    a, b, c = (authoring.module_create(version=draft, title=t) for t in "ABC")
    assert authoring.content_move(obj=c, direction="up")
    assert list(Module.objects.filter(version=draft).order_by("position").values_list("title", flat=True)) == ["A", "C", "B"]
    assert not authoring.content_move(obj=a, direction="up")
    assert authoring.content_move(obj=a, direction="down")
    assert list(Module.objects.filter(version=draft).order_by("position").values_list("title", flat=True)) == ["C", "A", "B"]


def test_reordering_artifacts_works_although_their_positions_are_not_deferrable(case, note):
    other = authoring.artifact_create(case=case, data=ArtifactInput(
        title="Second", kind="text", content={"text": "Fine."}, ai_correct=True, failure_modes=[],
    ))
    authoring.content_move(obj=other, direction="up")
    assert list(case.artifacts.order_by("position").values_list("title", flat=True)) == ["Second", "AI letter"]


def test_deleting_a_case_deletes_its_items_and_artifacts(case, note):
    spans_item(case, note, [])
    authoring.content_delete(obj=case)
    assert not Case.objects.exists() and not Item.objects.exists() and not Artifact.objects.exists()


def test_an_artifact_used_by_an_item_cannot_be_deleted(case, note):
    spans_item(case, note, [])
    with pytest.raises(Conflict):
        authoring.content_delete(obj=note)
    assert Artifact.objects.filter(pk=note.pk).exists()


# --- published versions are immutable -------------------------------------------------------

def test_every_edit_of_a_published_version_is_refused(case, note, author):
    item = spans_item(case, note, [{"start": S, "end": E, "failure_mode": "HAL"}])
    version = case.module.version
    course_version_publish(version=version, user=author)
    module = case.module
    for call in (
        lambda: authoring.module_create(version=version, title="X"),
        lambda: authoring.module_update(module=module, title="X"),
        lambda: authoring.case_update(case=case, title="X"),
        lambda: authoring.lesson_create(module=module, title="X"),
        lambda: authoring.content_move(obj=item, direction="up"),
        lambda: authoring.content_delete(obj=case),
        lambda: authoring.item_update(item=item, data=ItemInput(
            item_type="error_spans", prompt="Changed", spec={}, key={"spans": []}, competencies=["VER"],
            failure_modes=[], artifact_id=note.pk)),
    ):
        with pytest.raises(Conflict):
            call()
    item.refresh_from_db()
    assert item.prompt == "Find the errors."


# --- artifacts ------------------------------------------------------------------------------

def test_artifact_content_is_checked_at_its_paths(case):
    with pytest.raises(ApplicationError) as error:
        authoring.artifact_create(case=case, data=ArtifactInput(
            title="Score", kind="prediction", content={"model": "M", "target": "T", "output": "High", "probability": 1.7},
            ai_correct=False, failure_modes=[],
        ))
    assert "content.probability" in error.value.errors
    assert "ground_truth.failure_modes" in error.value.errors  # wrong but no failure mode
    assert not Artifact.objects.exists()


def test_a_correct_artifact_must_not_name_failure_modes(case):
    with pytest.raises(ApplicationError) as error:
        authoring.artifact_create(case=case, data=ArtifactInput(
            title="Chat", kind="chat", content={"messages": [{"role": "user", "content": "Hi"}]},
            ai_correct=True, failure_modes=["INJ"],
        ))
    assert list(error.value.errors) == ["ground_truth.failure_modes"]


def test_changing_a_text_warns_about_span_keys_it_breaks(case, note):
    spans_item(case, note, [{"start": S, "end": E, "failure_mode": "HAL"}])
    _artifact, warnings = authoring.artifact_update(artifact=note, data=ArtifactInput(
        title="AI letter", kind="text", content={"text": "Short."}, ai_correct=False, failure_modes=["HAL"],
    ))
    assert warnings and "key.spans[0].end" in warnings[0]


# --- items of every type ---------------------------------------------------------------------

def test_span_keys_are_stored_with_their_offsets(case, note):
    item = spans_item(case, note, [{"start": S, "end": E, "failure_mode": "HAL", "severity": "major",
                                    "corrections": ["no known allergy"]}])
    assert NOTE[S:E] == "a penicillin allergy"
    assert ItemKey.objects.get(item=item).answer["spans"][0]["severity"] == "major"
    assert list(item.competencies.values_list("code", flat=True)) == ["VER"]


def test_overlapping_and_out_of_range_spans_are_refused_at_their_paths(case, note):
    with pytest.raises(ApplicationError) as error:
        spans_item(case, note, [
            {"start": S, "end": E, "failure_mode": "HAL"},
            {"start": E - 5, "end": E + 5, "failure_mode": "CLIN"},
            {"start": 60, "end": 999, "failure_mode": "CLIN"},
        ])
    errors = error.value.errors
    assert "key.spans[1]" in errors and "overlaps" in errors["key.spans[1]"][0]
    assert "key.spans[2].end" in errors
    assert not Item.objects.exists() and not ItemKey.objects.exists()


@pytest.mark.parametrize(("item_type", "spec", "key", "needs_artifact"), [
    ("single_choice", {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "certainty": True},
     {"answer": "b"}, False),
    ("multiple_choice", {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]},
     {"correct": ["a", "c"]}, False),
    ("numeric", {"unit": "%"}, {"value": 9.2, "tolerance_abs": 0.5}, False),
    ("free_text", {"max_words": 100}, {"criteria": [{"id": "c1", "text": "Names it", "points": 2,
                                                     "look_for": [["allergy"]]}]}, False),
    ("script_concordance", {"hypothesis": "Allergy", "new_information": "The AI says so."},
     {"panel": {"-2": 0, "-1": 1, "0": 5, "1": 2, "2": 0}}, True),
    ("reliance_decision", {"question": "Sign it?", "options": [{"id": "sign", "text": "Sign"},
                                                              {"id": "fix", "text": "Fix it"}],
                           "ai_answer": "sign", "decide_first": True, "ask_confidence": True},
     {"answer": "fix"}, True),
])
def test_items_of_every_type_are_created_with_their_keys(case, note, item_type, spec, key, needs_artifact):
    item = authoring.item_create(case=case, data=ItemInput(
        item_type=item_type, prompt="Question?", spec=spec, key=key, competencies=["APR"], failure_modes=[],
        artifact_id=note.pk if needs_artifact else None,
    ))
    assert ItemKey.objects.get(item=item).answer == key
    assert item.type == item_type


def test_a_reliance_key_must_agree_with_the_ground_truth(case, note):
    with pytest.raises(ApplicationError) as error:
        authoring.item_create(case=case, data=ItemInput(
            item_type="reliance_decision", prompt="Sign it?", competencies=["OVS"], failure_modes=[],
            spec={"question": "Sign?", "options": [{"id": "sign", "text": "Sign"}, {"id": "fix", "text": "Fix"}],
                  "ai_answer": "sign"},
            key={"answer": "sign"}, artifact_id=note.pk,
        ))
    assert list(error.value.errors) == ["key.answer"]


def test_an_item_needs_a_competency_and_known_options(case):
    with pytest.raises(ApplicationError) as error:
        authoring.item_create(case=case, data=ItemInput(
            item_type="single_choice", prompt="Q?", competencies=[], failure_modes=[],
            spec={"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}, key={"answer": "z"},
        ))
    assert {"competencies", "key.answer"} <= set(error.value.errors)


def test_a_type_cannot_change(case, note):
    item = spans_item(case, note, [])
    with pytest.raises(ApplicationError):
        authoring.item_update(item=item, data=ItemInput(
            item_type="numeric", prompt="Q", spec={}, key={"value": 1}, competencies=["VER"], failure_modes=[],
        ))


def test_a_complete_case_made_row_by_row_publishes(case, note, author):
    spans_item(case, note, [{"start": S, "end": E, "failure_mode": "HAL"}])
    assert version_problems(version=case.module.version) == []
    version = course_version_publish(version=case.module.version, user=author)
    assert version.status == CourseVersion.Status.PUBLISHED


def test_case_problems_say_what_is_missing(case):
    problems = authoring.case_problems(case=case)
    assert "artifacts" in problems and "items" in problems


# --- uploads -------------------------------------------------------------------------------

def test_an_image_upload_is_checked_and_stored_once(draft):
    media = authoring.media_upload(version=draft, name="cxr scan.png", content=PNG)
    assert media.path == "media/cxr-scan.png"
    assert authoring.media_upload(version=draft, name="again.png", content=PNG).pk == media.pk


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("scan.png", b"GIF89a not a png", "not image/png"),
    ("scan.gif", b"GIF89a", "Unsupported file type"),
    ("scan.svg", b"<svg><script>alert(1)</script></svg>", "scripts"),
    ("scan.svg", b'<svg xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>', "<script>"),
    ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)'
                 b'</h:script></svg>', "<script (http://www.w3.org/1999/xhtml)>"),
    ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><a href="jav&#x61;script:alert(1)"><text>x</text></a></svg>',
     "javascript:alert(1)"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "5 MiB"),
])
def test_mistyped_or_oversized_uploads_are_refused(draft, name, content, fragment):
    with pytest.raises(ApplicationError) as error:
        authoring.media_upload(version=draft, name=name, content=content)
    assert fragment in error.value.errors["file"][0]
    assert not MediaAsset.objects.exists()


# --- co-authors ------------------------------------------------------------------------------

def test_the_owner_shares_a_course_with_faculty_only(draft, author):
    course = draft.course
    colleague = MembershipFactory(role=Role.FACULTY).user
    trainee = MembershipFactory(role=Role.TRAINEE).user
    authoring.course_coauthor_add(course=course, username=colleague.username, by=author)
    assert list(course.coauthors.all()) == [colleague]
    with pytest.raises(ApplicationError) as error:
        authoring.course_coauthor_add(course=course, username=trainee.username, by=author)
    assert "username" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        authoring.course_coauthor_add(course=course, username=UserFactory().username, by=colleague)
    assert error.value.status_code == 403


def test_a_draft_made_from_a_published_version_is_editable(case, note, author):
    spans_item(case, note, [{"start": S, "end": E, "failure_mode": "HAL"}])
    course_version_publish(version=case.module.version, user=author)
    draft = course_version_create_draft(course=case.module.version.course, user=author)
    module = draft.modules.get()
    authoring.module_update(module=module, title="Renamed")
    assert Module.objects.get(pk=module.pk).title == "Renamed"
    assert Module.objects.get(pk=case.module_id).title == "Verifying text"


def test_a_markdown_text_over_the_length_limit_is_refused_with_its_field(draft):
    from courses.models import Lesson
    from courses.rendering import MAX_MARKDOWN_CHARS

    module = authoring.module_create(version=draft, title="Verifying text")
    with pytest.raises(ApplicationError) as error:
        authoring.lesson_create(module=module, title="Long", body="x" * (MAX_MARKDOWN_CHARS + 1))
    assert error.value.errors == {"body": ["The text is 100001 characters long; at most 100000 are accepted."]}
    assert not Lesson.objects.filter(module=module, title="Long").exists()
    with pytest.raises(ApplicationError) as error:
        authoring.module_update(module=module, summary="x" * (MAX_MARKDOWN_CHARS + 1))
    assert list(error.value.errors) == ["summary"]
