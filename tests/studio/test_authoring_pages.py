"""The studio's pages: who may reach them, and authoring a case end to end through forms."""
import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import Role
from courses.models import Artifact, Case, Course, CourseVersion, Item, ItemKey, Lesson, MediaAsset, Module
from courses.services import course_package_import
from courses.packages.serialize import version_to_package
from courses.services import course_version_create_draft
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MINIMAL = Path(__file__).parents[1] / "courses" / "packages" / "minimal"
NOTE = "The patient has a penicillin allergy. Start amoxicillin."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x40\x00\x00\x00\x20\x08\x02\x00\x00\x00" + b"\x00" * 40


def client_for(user) -> Client:
    # UserFactory sets the password after saving: save it, or the session hash would not match.
    user.save(update_fields=["password"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def faculty(db):
    return MembershipFactory(role=Role.FACULTY).user


@pytest.fixture
def published(faculty):
    """The minimal package, published (v1) and owned by ``faculty``."""
    version = course_package_import(path=MINIMAL, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    return CourseVersion.objects.select_related("course").get(pk=version.pk)


@pytest.fixture
def decide_first_case(faculty, tmp_path):
    """The minimal package with its reliance item decide-first and asked first, before the
    error_spans item on the same text (the publish check refuses the other order), published."""
    import shutil

    import yaml

    target = tmp_path / "decide-first"
    shutil.copytree(MINIMAL, target)
    data = yaml.safe_load((target / "course.yaml").read_text(encoding="utf-8"))
    items = data["modules"][0]["cases"][0]["items"]
    items[1]["spec"]["decide_first"] = True
    items.reverse()
    (target / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return course_package_import(path=target, user=faculty, publish=True)


@pytest.fixture
def draft(published, faculty):
    return course_version_create_draft(course=published.course, user=faculty)


@pytest.fixture
def studio(faculty):
    return client_for(faculty)


def urls_of(version: CourseVersion) -> list[tuple[str, str]]:
    """(method, url) of every studio page and endpoint about ``version``'s course."""
    slug = version.course.slug
    module = Module.objects.filter(version=version).first()
    case = Case.objects.filter(module=module).first()
    artifact = Artifact.objects.filter(case=case).first()
    item = Item.objects.filter(case=case).first()
    lesson = module.lessons.first()
    return [
        ("get", reverse("studio:course", args=[slug])),
        ("get", reverse("studio:course-settings", args=[slug])),
        ("post", reverse("studio:draft-create", args=[slug])),
        ("get", reverse("studio:check", args=[slug])),
        ("post", reverse("studio:publish", args=[slug])),
        ("post", reverse("studio:withdraw", args=[slug, 1])),
        ("get", reverse("studio:analysis", args=[slug, 1])),
        ("get", reverse("studio:diff", args=[slug])),
        ("get", reverse("studio:export", args=[slug])),
        ("post", reverse("studio:coauthors", args=[slug])),
        ("get", reverse("studio:questions-import", args=[slug])),
        ("get", reverse("studio:module-create", args=[slug])),
        ("get", reverse("studio:module", args=[module.pk])),
        ("get", reverse("studio:lesson-create", args=[module.pk])),
        ("get", reverse("studio:case-create", args=[module.pk])),
        ("get", reverse("studio:lesson", args=[lesson.pk])),
        ("get", reverse("studio:case", args=[case.pk])),
        ("get", reverse("studio:preview", args=[case.pk])),
        ("get", reverse("studio:artifact-create", args=[case.pk]) + "?kind=text"),
        ("get", reverse("studio:item-create", args=[case.pk]) + "?type=numeric"),
        ("get", reverse("studio:artifact", args=[artifact.pk])),
        ("get", reverse("studio:item", args=[item.pk])),
        ("get", reverse("studio:key-fix", args=[item.pk])),
        ("post", reverse("studio:regrade-new", args=[item.pk])),
        ("post", reverse("studio:move", args=["module", module.pk])),
        ("get", reverse("studio:delete", args=["case", case.pk])),
    ]


GLOBAL_URLS = [
    ("get", "/studio/"), ("post", "/studio/courses/new/"), ("get", "/studio/import/"),
    ("post", "/studio/markdown/"), ("get", "/studio/grading/"),
]


# --- permissions ---------------------------------------------------------------------------

def test_anonymous_people_are_sent_to_sign_in(published):
    response = Client().get("/studio/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.REVIEWER])
def test_trainees_and_reviewers_get_403_on_every_studio_page(published, role):
    client = client_for(MembershipFactory(role=role).user)
    for method, url in GLOBAL_URLS + urls_of(published):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)
    assert published.course.versions.count() == 1


def test_other_faculty_get_404_on_a_course_they_do_not_author(published):
    client = client_for(MembershipFactory(role=Role.FACULTY).user)
    for method, url in urls_of(published):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert client.get("/studio/").status_code == 200


def test_a_coauthor_edits_a_shared_course(published, studio):
    colleague = MembershipFactory(role=Role.FACULTY).user
    response = studio.post(reverse("studio:coauthors", args=[published.course.slug]), {"username": colleague.username})
    assert response.status_code == 302
    client = client_for(colleague)
    assert client.get(reverse("studio:course", args=[published.course.slug])).status_code == 200
    assert client.post(reverse("studio:draft-create", args=[published.course.slug])).status_code == 302
    assert published.course.versions.filter(status="draft").exists()


def test_only_the_owner_shares_the_course(published):
    colleague = MembershipFactory(role=Role.FACULTY).user
    published.course.coauthors.add(colleague)
    stranger = MembershipFactory(role=Role.FACULTY).user
    response = client_for(colleague).post(reverse("studio:coauthors", args=[published.course.slug]),
                                          {"username": stranger.username})
    assert response.status_code == 403
    assert list(published.course.coauthors.all()) == [colleague]


# --- my courses, creating and editing ------------------------------------------------------

def test_my_courses_lists_owned_and_shared_courses(published, studio, faculty):
    other = course_package_import(path=MINIMAL, user=None, publish=False)  # same slug: a new draft
    assert other.course_id == published.course_id
    page = studio.get("/studio/").content.decode()
    assert "A minimal course" in page and "owner" in page


def test_a_course_is_created_from_the_form(studio):
    response = studio.post("/studio/courses/new/", {"title": "New course", "slug": "new-course", "language": "en"})
    assert response.status_code == 302
    version = CourseVersion.objects.get(course__slug="new-course")
    assert (version.status, version.number, version.title) == ("draft", 1, "New course")


def test_a_duplicate_slug_is_reported_on_the_field(published, studio):
    response = studio.post("/studio/courses/new/", {"title": "X", "slug": published.course.slug, "language": "en"})
    assert response.status_code == 400
    assert "Already used." in response.content.decode()


def test_one_click_makes_a_draft_from_the_latest_published_version(published, studio):
    response = studio.post(reverse("studio:draft-create", args=[published.course.slug]))
    assert response.status_code == 302
    draft = published.course.versions.get(status="draft")
    assert draft.number == 2
    assert version_to_package(draft) == version_to_package(published)


def _add_case(studio, draft) -> Case:
    module = Module.objects.filter(version=draft).first()
    response = studio.post(reverse("studio:case-create", args=[module.pk]),
                           {"title": "An allergy", "vignette": "A synthetic patient, 70."})
    assert response.status_code == 302
    return Case.objects.get(module=module, slug="an-allergy")


def _add_text(studio, case) -> Artifact:
    response = studio.post(reverse("studio:artifact-create", args=[case.pk]) + "?kind=text", {
        "kind": "text", "title": "AI note", "text": NOTE.replace("\n", "\r\n"), "correct": "no",
        "truth_failure_modes": ["HAL"], "explanation": "Invented.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Artifact.objects.get(case=case, slug="ai-note")


def span_post(artifact, spans, **more):
    data = {"type": "error_spans", "artifact": str(artifact.pk), "prompt": "Find the errors.",
            "competencies": ["VER"], "failure_modes": ["HAL"], "labels_required": "on", **more}
    for i, span in enumerate(spans):
        for name, value in span.items():
            data[f"spans-{i}-{name}"] = str(value)
    data[f"spans-{len(spans)}-start"] = ""  # a blank row, as the page offers
    data[f"spans-{len(spans)}-severity"] = "minor"
    return data


def test_authoring_a_case_with_span_keys_through_the_forms(draft, studio):
    case = _add_case(studio, draft)
    artifact = _add_text(studio, case)
    assert artifact.content["text"] == NOTE  # CRLF from the browser stored as LF
    start = NOTE.index("a penicillin allergy")
    response = studio.post(reverse("studio:item-create", args=[case.pk]), span_post(artifact, [
        {"start": start, "end": start + 20, "failure_mode": "HAL", "severity": "major", "corrections": "no allergy\r\nnone"},
    ]))
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get(case=case)
    assert ItemKey.objects.get(item=item).answer == {"spans": [
        {"start": start, "end": start + 20, "failure_mode": "HAL", "severity": "major", "corrections": ["no allergy", "none"]},
    ]}
    page = studio.get(reverse("studio:item", args=[item.pk])).content.decode()
    assert "data-span-marker" in page and "penicillin" in page


def test_overlapping_spans_are_refused_with_their_place_and_nothing_is_saved(draft, studio):
    case = _add_case(studio, draft)
    artifact = _add_text(studio, case)
    response = studio.post(reverse("studio:item-create", args=[case.pk]), span_post(artifact, [
        {"start": 4, "end": 20, "failure_mode": "HAL"}, {"start": 10, "end": 30, "failure_mode": "CLIN"},
        {"start": 40, "end": 500, "failure_mode": "CLIN"}, {"start": "x", "end": 3, "failure_mode": "HAL"},
    ]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "key.spans[1]" in page and "overlaps key span 0" in page
    assert "key.spans[2].end" in page and "key.spans[3].start" in page
    assert not Item.objects.filter(case=case).exists()
    assert 'value="500"' in page  # what the author typed is kept


def test_an_ai_text_with_a_nul_character_is_refused_at_its_field_and_nothing_is_saved(draft, studio):
    case = _add_case(studio, draft)
    response = studio.post(reverse("studio:artifact-create", args=[case.pk]) + "?kind=text", {
        "kind": "text", "title": "AI note", "text": "Penicillin\x00 allergy.", "correct": "no",
        "truth_failure_modes": ["HAL"], "explanation": "Invented.",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "content.text" in page and "contains the character U+0000, which cannot be stored" in page
    assert not Artifact.objects.filter(case=case).exists()


def test_an_item_prompt_with_a_nul_character_is_refused_and_nothing_is_saved(draft, studio):
    case = _add_case(studio, draft)
    artifact = _add_text(studio, case)
    response = studio.post(reverse("studio:item-create", args=[case.pk]),
                           span_post(artifact, [], prompt="Find\x00 the errors."))
    assert response.status_code == 400
    assert "contains the character U+0000, which cannot be stored" in response.content.decode()
    assert not Item.objects.filter(case=case).exists()


@pytest.mark.parametrize(("item_type", "data", "key"), [
    ("single_choice", {"options-0-id": "", "options-0-text": "Yes", "options-1-id": "", "options-1-text": "No",
                       "options-2-text": "", "answer": "1", "certainty": "on"}, {"answer": "b"}),
    ("multiple_choice", {"options-0-text": "A", "options-0-correct": "on", "options-1-text": "B",
                         "options-2-text": "C", "options-2-correct": "on"}, {"correct": ["a", "c"]}),
    ("numeric", {"value": "9,2", "tolerance_abs": "0.5", "unit": "%"}, {"value": 9.2, "tolerance_abs": 0.5}),
    ("script_concordance", {"hypothesis": "H", "new_information": "N", "panel_m2": "0", "panel_m1": "1",
                            "panel_0": "4", "panel_p1": "3", "panel_p2": ""},
     {"panel": {"-2": 0, "-1": 1, "0": 4, "1": 3, "2": 0}}),
    ("free_text", {"criteria-0-id": "", "criteria-0-text": "Names the allergy", "criteria-0-points": "2",
                   "criteria-0-look_for": "allergy | allergic\npenicillin"},
     {"criteria": [{"id": "criterion-1", "text": "Names the allergy", "points": 2,
                    "look_for": [["allergy", "allergic"], ["penicillin"]]}]}),
    ("reliance_decision", {"question": "Sign it?", "options-0-id": "sign", "options-0-text": "Sign",
                           "options-1-id": "fix", "options-1-text": "Fix it", "ai_answer": "0", "answer": "1",
                           "decide_first": "on"}, {"answer": "fix"}),
    ("short_answer", {"answers-0-text": "AKI", "answers-0-percent": "", "answers-0-feedback": "Right.",
                      "answers-1-text": "*renal*", "answers-1-percent": "50", "answers-1-feedback": "",
                      "answers-2-text": ""},
     {"answers": [{"text": "AKI", "fraction": 1, "feedback": "Right."}, {"text": "*renal*", "fraction": 0.5}]}),
    ("matching", {"stems-0-text": "Sensitivity", "stems-0-choice": "TP/(TP+FN)", "stems-1-text": "Specificity",
                  "stems-1-choice": "TN/(TN+FP)", "stems-2-text": "", "distractors": "TP/(TP+FP)"},
     {"pairs": {"s1": "c2", "s2": "c1"}}),
])
def test_every_item_type_is_authored_through_its_form(draft, studio, item_type, data, key):
    case = _add_case(studio, draft)
    artifact = _add_text(studio, case)
    post = {"type": item_type, "prompt": "Question?", "competencies": ["APR"], "artifact": str(artifact.pk), **data}
    response = studio.post(reverse("studio:item-create", args=[case.pk]) + f"?type={item_type}", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ItemKey.objects.get(item__case=case).answer == key


@pytest.mark.parametrize(("item_type", "data", "fragment"), [
    ("short_answer", {"answers-0-text": "half", "answers-0-percent": "50"},
     "at least one accepted answer must have a fraction of 1"),
    ("matching", {"stems-0-text": "Sensitivity", "stems-0-choice": "", "stems-1-text": "Specificity",
                  "stems-1-choice": "TN/(TN+FP)", "distractors": "x"}, "give the right match of stem 1"),
])
def test_a_short_answer_or_matching_key_that_cannot_be_graded_is_explained(draft, studio, item_type, data, fragment):
    case = _add_case(studio, draft)
    post = {"type": item_type, "prompt": "Question?", "competencies": ["APR"], **data}
    response = studio.post(reverse("studio:item-create", args=[case.pk]) + f"?type={item_type}", post)
    assert response.status_code == 400 and fragment in response.content.decode()
    assert not Item.objects.filter(case=case).exists()


@pytest.mark.parametrize("item_type", ["short_answer", "matching"])
def test_an_item_of_a_new_type_is_edited_again_with_its_rows(draft, studio, item_type):
    case = _add_case(studio, draft)
    data = {"short_answer": {"answers-0-text": "AKI", "answers-0-percent": "100", "answers-0-feedback": "Right."},
            "matching": {"stems-0-text": "Sensitivity", "stems-0-choice": "TP/(TP+FN)", "stems-1-text": "Specificity",
                         "stems-1-choice": "TN/(TN+FP)", "distractors": "TP/(TP+FP)"}}[item_type]
    post = {"type": item_type, "prompt": "Question?", "competencies": ["APR"], **data}
    studio.post(reverse("studio:item-create", args=[case.pk]) + f"?type={item_type}", post)
    item = Item.objects.get(case=case)
    page = studio.get(reverse("studio:item", args=[item.pk])).content.decode()
    shown = {"short_answer": ['value="AKI"', 'value="Right."'],
             "matching": ['value="Sensitivity"', 'value="TP/(TP+FN)"', ">TP/(TP+FP)</textarea>"]}[item_type]
    assert all(fragment in page for fragment in shown)


def test_a_reliance_item_whose_key_contradicts_the_ground_truth_is_explained(draft, studio):
    case = _add_case(studio, draft)
    artifact = _add_text(studio, case)
    response = studio.post(reverse("studio:item-create", args=[case.pk]), {
        "type": "reliance_decision", "prompt": "Sign?", "competencies": ["OVS"], "artifact": str(artifact.pk),
        "question": "Sign it?", "options-0-text": "Sign", "options-1-text": "Fix", "ai_answer": "0", "answer": "0",
    })
    assert response.status_code == 400
    assert "ground truth says the AI output is incorrect" in response.content.decode()


def test_an_image_is_uploaded_checked_and_sized(draft, studio):
    case = _add_case(studio, draft)
    upload = io.BytesIO(PNG)
    upload.name = "cxr.png"
    response = studio.post(reverse("studio:artifact-create", args=[case.pk]) + "?kind=image", {
        "kind": "image", "title": "Film", "alt": "A chest film", "image_file": upload, "correct": "yes",
        "overlays-0-x": "10", "overlays-0-y": "5", "overlays-0-w": "20", "overlays-0-h": "10", "overlays-0-label": "Opacity",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    artifact = Artifact.objects.get(case=case)
    assert (artifact.content["src"], artifact.content["width"], artifact.content["height"]) == ("media/cxr.png", 64, 32)
    assert artifact.content["overlays"] == [{"x": 10, "y": 5, "w": 20, "h": 10, "label": "Opacity"}]


def test_a_mistyped_upload_is_refused_and_nothing_is_saved(draft, studio):
    case = _add_case(studio, draft)
    media_before = MediaAsset.objects.count()
    upload = io.BytesIO(b"<html>not an image</html>")
    upload.name = "cxr.png"
    response = studio.post(reverse("studio:artifact-create", args=[case.pk]) + "?kind=image", {
        "kind": "image", "title": "Film", "alt": "A film", "image_file": upload, "correct": "yes",
        "overlays-0-x": "60", "overlays-0-y": "0", "overlays-0-w": "20", "overlays-0-h": "10",
    })
    assert response.status_code == 400
    assert "not image/png" in response.content.decode()
    assert not Artifact.objects.filter(case=case).exists()
    assert MediaAsset.objects.count() == media_before


def test_reorder_buttons_move_items(draft, studio):
    case = Case.objects.get(module__version=draft, slug="portable-film")
    first, second = case.items.order_by("position")[:2]
    response = studio.post(reverse("studio:move", args=["item", second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(case.items.order_by("position").values_list("pk", flat=True))[:2] == [second.pk, first.pk]


def test_published_rows_are_read_only_in_the_studio(published, studio):
    module = Module.objects.filter(version=published).first()
    response = studio.post(reverse("studio:module", args=[module.pk]), {"title": "Hacked", "feedback_policy": "immediate"})
    assert response.status_code == 302
    assert Module.objects.get(pk=module.pk).title != "Hacked"
    assert "disabled" in studio.get(reverse("studio:module", args=[module.pk])).content.decode()


# --- Markdown preview ------------------------------------------------------------------------

def test_the_markdown_preview_is_sanitised(studio):
    response = studio.post("/studio/markdown/", {"text": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"})
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_the_markdown_preview_shows_the_version_s_images_to_its_authors_only(draft, studio):
    asset = MediaAsset.objects.filter(version=draft).first()
    text = f"![The film]({asset.path})"
    shown = studio.post("/studio/markdown/", {"text": text, "version": draft.pk}).content.decode()
    assert f'src="{asset.file.url}"' in shown
    stranger = client_for(MembershipFactory(role=Role.FACULTY).user)
    assert "<img" not in stranger.post("/studio/markdown/", {"text": text, "version": draft.pk}).content.decode()


def test_studio_pages_name_the_version_for_the_live_preview(draft, studio):
    lesson = Lesson.objects.filter(module__version=draft).first()
    page = studio.get(reverse("studio:lesson", args=[lesson.pk])).content.decode()
    assert f'data-markdown-version="{draft.pk}"' in page


# --- checking and publishing -------------------------------------------------------------------

def test_the_check_lists_what_is_missing_with_links(draft, studio):
    module = Module.objects.filter(version=draft).first()
    studio.post(reverse("studio:case-create", args=[module.pk]), {"title": "Empty case", "vignette": ""})
    case = Case.objects.get(module=module, slug="empty-case")
    case_page = studio.get(reverse("studio:case", args=[case.pk]))
    assert case_page.status_code == 200 and "Before this case can be published" in case_page.content.decode()
    page = studio.get(reverse("studio:check", args=[draft.course.slug])).content.decode()
    assert "modules[0].cases[1].artifacts" in page and "modules[0].cases[1].vignette" in page
    assert reverse("studio:case", args=[case.pk]) in page
    response = studio.post(reverse("studio:publish", args=[draft.course.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/check/")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_a_complete_draft_and_withdrawing_a_version(draft, studio, published):
    response = studio.post(reverse("studio:publish", args=[draft.course.slug]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    studio.post(reverse("studio:withdraw", args=[draft.course.slug, draft.number]))
    draft.refresh_from_db()
    assert draft.status == "withdrawn"


def test_the_diff_shows_a_changed_key_and_an_added_case(draft, studio, published):
    ItemKey.objects.filter(item__case__module__version=draft, item__slug="which-lobe").update(answer={"answer": "rul"})
    _add_text(studio, _add_case(studio, draft))
    page = studio.get(reverse("studio:diff", args=[draft.course.slug]) + "?from=1&to=2").content.decode()
    assert "which-lobe" in page and "rul" in page and "added" in page and "an-allergy" in page


# --- packages ------------------------------------------------------------------------------------

def test_export_then_import_round_trips(published, studio, faculty):
    response = studio.get(reverse("studio:export", args=[published.course.slug]) + "?version=1")
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "course.yaml" in names and "media/cxr.svg" in names
    upload = io.BytesIO(response.content)
    upload.name = "package.zip"
    imported = studio.post("/studio/import/", {"file": upload})
    assert imported.status_code == 302
    new = published.course.versions.get(number=2)
    assert version_to_package(new) == version_to_package(published)


def test_an_invalid_package_lists_its_problems_with_paths_and_imports_nothing(studio):
    upload = io.BytesIO(
        b"format: vigil-course/1\nslug: broken\nlanguage: en\ntitle: Broken\nmodules:\n"
        b"  - slug: m\n    title: M\n    cases:\n      - slug: c\n        title: C\n        vignette: V\n"
        b"        artifacts: []\n        items: []\n"
    )
    upload.name = "course.yaml"
    response = studio.post("/studio/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "modules[0].cases[0].artifacts" in page and "nothing was imported" in page
    assert not Course.objects.filter(slug="broken").exists()


def test_a_zip_whose_size_header_lies_is_refused_naming_the_file(studio):
    from tests.courses.test_authoring_apis import REPO, lying_zip

    response = studio.post("/studio/import/", {"file": _file(lying_zip((22, 24), lambda size: size - 100), "course.zip")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "course.yaml" in page and "nothing was imported" in page
    assert "/tmp" not in page and str(REPO) not in page


def test_a_yaml_alias_bomb_is_refused_on_the_page(studio):
    from tests.courses.test_authoring_apis import ALIAS_BOMB

    response = studio.post("/studio/import/", {"file": _file(ALIAS_BOMB, "course.yaml")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "anchors (&amp;name) are not supported" in page and "nothing was imported" in page
    assert not Course.objects.exists()


def test_a_package_of_another_authors_course_is_refused(published):
    response = client_for(MembershipFactory(role=Role.FACULTY).user).post(
        "/studio/import/", {"file": _file((MINIMAL / "course.yaml").read_bytes(), "course.yaml")},
    )
    assert response.status_code == 403
    assert published.course.versions.count() == 1


def _file(content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


# --- decide-first order (the preview as a trainee: tests/studio/test_preview.py) ----------------------

def test_the_check_page_refuses_a_question_asked_before_the_unaided_one(draft, studio):
    """The issue's case: a decide-first item after an error_spans item on the same text was
    "Nothing is missing", and trainees then read "…answered question None on your own"."""
    item = Item.objects.get(case__module__version=draft, slug="accept-the-plan")
    item.spec = {**item.spec, "decide_first": True}
    item.save(update_fields=["spec"])
    page = studio.get(reverse("studio:check", args=[draft.course.slug])).content.decode()
    assert "Nothing is missing" not in page
    assert "modules[0].cases[0].items[0]" in page
    assert "placed before its decide-first question modules[0].cases[0].items[1] (accept-the-plan)" in page
    response = studio.post(reverse("studio:publish", args=[draft.course.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/check/")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_course_page_costs_fifteen_queries(published, studio, django_assert_num_queries):
    url = reverse("studio:course", args=[published.course.slug])
    with django_assert_num_queries(15):
        assert studio.get(url).status_code == 200


def test_attempts_keep_the_version_they_were_taken_on(draft, studio, published):
    from quizzes import services
    from tests.factories import AssignmentFactory, EnrollmentFactory, UserFactory

    trainee = UserFactory()
    enrollment = EnrollmentFactory(user=trainee)
    AssignmentFactory(cohort=enrollment.cohort, course=published.course)
    old_module = Module.objects.get(version=published, slug="verifying-text")
    attempt = services.attempt_start(trainee=trainee, module=old_module)
    assert studio.post(reverse("studio:publish", args=[draft.course.slug])).status_code == 302
    attempt.refresh_from_db()
    assert attempt.module.version_id == published.pk  # the open attempt stays on version 1
    services.attempt_submit(attempt=attempt)
    new_attempt = services.attempt_start(trainee=trainee, module=Module.objects.get(version=draft, slug="verifying-text"))
    assert new_attempt.module.version_id == draft.pk


def test_course_details_lessons_and_deleting_through_the_pages(draft, studio):
    slug = draft.course.slug
    response = studio.post(reverse("studio:course-settings", args=[slug]),
                           {"title": "Renamed course", "summary": "New.", "hours": "2.5"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, str(draft.hours)) == ("Renamed course", "2.5")
    module = Module.objects.filter(version=draft).first()
    response = studio.post(reverse("studio:lesson-create", args=[module.pk]), {"title": "Why AI fails", "body": "*Text*"})
    assert response.status_code == 302 and module.lessons.filter(slug="why-ai-fails").exists()
    case = Case.objects.filter(module=module).first()
    assert studio.get(reverse("studio:delete", args=["case", case.pk])).status_code == 200
    assert studio.post(reverse("studio:delete", args=["case", case.pk])).status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()
    assert Case.objects.filter(module__version__number=1, slug=case.slug).exists()  # version 1 keeps it


# --- the length limit of authored Markdown --------------------------------------------------------

def test_a_lesson_over_the_length_limit_is_refused_beside_its_field_and_not_saved(draft, studio):
    from courses.rendering import MAX_MARKDOWN_CHARS

    module = Module.objects.filter(version=draft).first()
    response = studio.post(reverse("studio:lesson-create", args=[module.pk]),
                           {"title": "Too long", "body": "x" * (MAX_MARKDOWN_CHARS + 1)})
    assert response.status_code == 400
    assert response.context["form"].errors["body"] == [
        "Ensure this value has at most 100000 characters (it has 100001).",
    ]
    assert not module.lessons.filter(title="Too long").exists()


def test_the_markdown_preview_refuses_a_text_over_the_limit(studio):
    from courses.rendering import MAX_MARKDOWN_CHARS

    response = studio.post("/studio/markdown/", {"text": "[" * (MAX_MARKDOWN_CHARS + 1)})
    assert response.status_code == 400
    assert "at most 100000 are accepted" in response.content.decode()
    assert studio.post("/studio/markdown/", {"text": "[" * 20_000}).content.decode() == "<p>" + "[" * 20_000 + "</p>"


def test_the_key_fix_of_a_matching_item_keeps_its_package_ids(faculty, studio, tmp_path):
    import shutil

    import yaml
    target = tmp_path / "matching"
    shutil.copytree(MINIMAL, target)
    data = yaml.safe_load((target / "course.yaml").read_text(encoding="utf-8"))
    data["modules"][0]["cases"][0]["items"].append({
        "slug": "formulas", "type": "matching", "prompt": "Match.", "competencies": ["APR"], "failure_modes": [],
        "spec": {"stems": [{"id": "sens", "text": "Sensitivity"}, {"id": "spec", "text": "Specificity"}],
                 "choices": [{"id": "tp-fn", "text": "TP/(TP+FN)"}, {"id": "tn-fp", "text": "TN/(TN+FP)"}]},
        "key": {"pairs": {"sens": "tn-fp", "spec": "tp-fn"}},  # wrong way round: to be fixed
    })
    (target / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    version = course_package_import(path=target, user=faculty, publish=True)
    Course.objects.filter(pk=version.course_id).update(owner=faculty)
    item = Item.objects.get(slug="formulas")
    page = studio.get(reverse("studio:key-fix", args=[item.pk])).content.decode()
    assert 'name="stems-0-id" value="sens"' in page and 'name="choices-0-id" value="tp-fn"' in page
    response = studio.post(reverse("studio:key-fix", args=[item.pk]), {
        "type": "matching", "reason": "The formulas were swapped.",
        "stems-0-id": "sens", "stems-0-text": "Sensitivity", "stems-0-choice": "TP/(TP+FN)",
        "stems-1-id": "spec", "stems-1-text": "Specificity", "stems-1-choice": "TN/(TN+FP)",
        "choices-0-id": "tp-fn", "choices-0-text": "TP/(TP+FN)", "choices-1-id": "tn-fp", "choices-1-text": "TN/(TN+FP)",
        "distractors": "TP/(TP+FN)\nTN/(TN+FP)",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ItemKey.objects.get(item=item).answer == {"pairs": {"sens": "tp-fn", "spec": "tn-fp"}}


def test_editing_an_imported_single_choice_keeps_its_option_feedback_and_other_right_options(draft, studio):
    case = _add_case(studio, draft)
    item = Item.objects.create(case=case, slug="names", position=0, type="single_choice", prompt="Its name?",
                               spec={"options": [{"id": "a", "text": "Adrenaline"}, {"id": "b", "text": "Noradrenaline"},
                                                 {"id": "c", "text": "Norepinephrine"}]})
    ItemKey.objects.create(item=item, answer={"answer": "b", "also_right": ["c"], "feedback": {"a": "No.", "b": "Yes."}})
    item.competencies.set(["APR"])
    post = {"type": "single_choice", "slug": "names", "prompt": "Its usual name?", "competencies": ["APR"],
            "options-0-id": "a", "options-0-text": "Adrenaline", "options-1-id": "b", "options-1-text": "Noradrenaline",
            "options-2-id": "c", "options-2-text": "Norepinephrine", "answer": "1"}
    response = studio.post(reverse("studio:item", args=[item.pk]), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ItemKey.objects.get(item=item).answer == {"answer": "b", "also_right": ["c"],
                                                     "feedback": {"a": "No.", "b": "Yes."}}
