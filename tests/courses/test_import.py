"""Importing course packages: what a valid one writes, and every class of problem reported
at its exact path, with nothing written when anything is wrong."""
import pytest
from django.core.files.storage import default_storage

from courses.models import Artifact, Case, Course, CourseVersion, Item, Lesson, MediaAsset, Module
from courses.packages import importer
from courses.packages.errors import PackageError
from courses.services import course_package_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEM = "modules[0].cases[0].items[0]"  # error_spans on the text "letter"
RELIANCE = "modules[0].cases[0].items[1]"
IMAGE = "modules[1].cases[0].artifacts[0]"
SPANS_TEXT_LENGTH = 176


def problems_of(path, **kwargs) -> list[str]:
    with pytest.raises(PackageError) as error:
        course_package_import(path=path, **kwargs)
    return error.value.lines()


def first_item(data) -> dict:
    return data["modules"][0]["cases"][0]["items"][0]


# --- a valid package ------------------------------------------------------------------

def test_valid_package_imports_as_a_draft_of_a_new_course(package):
    user = UserFactory()

    version = course_package_import(path=package, user=user)

    assert (version.course.slug, version.number, version.status) == ("mini-course", 1, CourseVersion.Status.DRAFT)
    assert (version.course.owner, version.created_by, str(version.hours)) == (user, user, "1.5")
    counts = [Module.objects.count(), Lesson.objects.count(), Case.objects.count(), Artifact.objects.count(),
              Item.objects.count(), MediaAsset.objects.count()]
    assert counts == [2, 1, 3, 5, 7, 1]


def test_the_yaml_file_itself_may_be_given(package):
    version = course_package_import(path=package / "course.yaml")

    assert version.course.slug == "mini-course"


def test_items_keep_order_keys_tags_and_artifact(package):
    version = course_package_import(path=package)

    item = Item.objects.get(case__module__version=version, slug="find-the-errors")
    assert (item.position, item.artifact.slug, item.spec) == (0, "letter", {"labels_required": True})
    assert item.key.answer["spans"][0] == {
        "start": 72, "end": 116, "failure_mode": "HAL", "severity": "major",
        "corrections": ["no known drug allergies"],
    }
    assert item.key.rationale == "Check every allergy against the record."
    assert sorted(item.failure_modes.values_list("code", flat=True)) == ["CLIN", "HAL"]
    assert list(item.competencies.values_list("code", flat=True)) == ["VER"]


def test_artifact_ground_truth_is_stored(package):
    course_package_import(path=package)

    letter = Artifact.objects.get(slug="letter")
    assert letter.ai_correct is False
    assert sorted(letter.failure_modes.values_list("code", flat=True)) == ["CLIN", "HAL"]
    assert letter.truth_explanation.startswith("The allergy is not in the record")


def test_media_are_stored_under_their_content_hash(package):
    version = course_package_import(path=package)

    asset = MediaAsset.objects.get(version=version)
    assert asset.path == "media/cxr.svg"
    assert asset.file.name == f"courses/{asset.sha256}.svg"
    assert asset.content_type == "image/svg+xml"
    assert asset.size == (package / "media" / "cxr.svg").stat().st_size
    assert default_storage.open(asset.file.name).read() == (package / "media" / "cxr.svg").read_bytes()


def test_publish_option_publishes_the_import(package):
    version = course_package_import(path=package, publish=True)

    assert version.status == CourseVersion.Status.PUBLISHED
    assert version.published_at is not None


def test_reimport_makes_a_new_draft_and_leaves_the_published_version(package, edit):
    first = course_package_import(path=package, publish=True)
    edit(lambda data: data.update(title="A minimal course, revised"))

    second = course_package_import(path=package)

    first.refresh_from_db()
    assert (second.course, second.number, second.status) == (first.course, 2, CourseVersion.Status.DRAFT)
    assert (first.title, first.status) == ("A minimal course", CourseVersion.Status.PUBLISHED)
    assert Item.objects.filter(case__module__version=first).count() == 7


def test_reimport_replaces_the_existing_draft(package, edit):
    first = course_package_import(path=package)
    edit(lambda data: data["modules"].pop())

    second = course_package_import(path=package)

    assert (second.pk, second.number) == (first.pk, 1)
    assert CourseVersion.objects.count() == 1
    assert list(Module.objects.values_list("slug", flat=True)) == ["verifying-text"]
    assert MediaAsset.objects.count() == 0


def test_translation_of_links_the_courses(package, edit):
    course_package_import(path=package)
    edit(lambda data: data.update(slug="mini-course-fr", language="fr", translation_of="mini-course"))

    version = course_package_import(path=package)

    assert version.course.translation_of.slug == "mini-course"


# --- problems, each at its path -------------------------------------------------------

def test_span_ending_before_its_start(package, edit):
    edit(lambda data: first_item(data)["key"]["spans"][0].update(start=120, end=100))

    assert problems_of(package) == [f"{ITEM}.key.spans[0].end: must be greater than start"]


def test_span_beyond_the_text(package, edit):
    edit(lambda data: first_item(data)["key"]["spans"][1].update(end=500))

    assert problems_of(package) == [f"{ITEM}.key.spans[1].end: must be at most {SPANS_TEXT_LENGTH}"]


def test_overlapping_key_spans(package, edit):
    edit(lambda data: first_item(data)["key"]["spans"][1].update(start=110))

    assert problems_of(package) == [f"{ITEM}.key.spans[1]: overlaps key span 0"]


def test_spec_problem_is_reported_once_by_the_grader(package, edit):
    def one_option(data):
        data["modules"][1]["cases"][0]["items"][0]["spec"]["options"].pop()

    edit(one_option)

    assert problems_of(package) == ["modules[1].cases[0].items[0].spec.options: must have at least 2 items"]


def test_missing_key(package, edit):
    edit(lambda data: first_item(data).pop("key"))

    assert problems_of(package) == [f"{ITEM}.key: this field is required"]


def test_unknown_field(package, edit):
    edit(lambda data: first_item(data).update(colour="red"))

    assert problems_of(package) == [f"{ITEM}.colour: unknown field"]


def test_missing_field(package, edit):
    edit(lambda data: data["modules"][1]["cases"][0].pop("title"))

    assert problems_of(package) == ["modules[1].cases[0].title: this field is required"]


def test_wrong_type(package, edit):
    edit(lambda data: data.update(hours="six"))

    assert problems_of(package) == ["hours: must be a number"]


def test_unknown_artifact_kind(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["artifacts"][0].update(kind="video"))

    lines = problems_of(package)
    assert "modules[0].cases[0].artifacts[0].kind: must be one of: text, prediction, image, model_card, chat" in lines


def test_artifact_content_is_checked_per_kind(package, edit):
    edit(lambda data: data["modules"][1]["cases"][0]["artifacts"][1]["content"].update(probability=1.2))

    assert problems_of(package) == ["modules[1].cases[0].artifacts[1].content.probability: must be at most 1"]


def test_bad_slug(package, edit):
    edit(lambda data: data["modules"][0].update(slug="Verifying Text"))

    assert problems_of(package) == [
        "modules[0].slug: must contain only lowercase letters, digits and hyphens, starting with a letter or digit",
    ]


def test_duplicate_slug(package, edit):
    edit(lambda data: data["modules"][1].update(slug="verifying-text"))

    assert problems_of(package) == ["modules[1].slug: duplicate slug verifying-text (also used by modules[0])"]


def test_duplicate_item_slug_in_a_case(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["items"][1].update(slug="find-the-errors"))

    assert problems_of(package) == [
        f"{RELIANCE}.slug: duplicate slug find-the-errors (also used by {ITEM})",
    ]


def test_unknown_artifact_reference(package, edit):
    edit(lambda data: first_item(data).update(artifact="nope"))

    assert problems_of(package) == [f"{ITEM}.artifact: no artifact nope in this case"]


def test_item_type_that_needs_an_artifact(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["items"][1].pop("artifact"))

    assert problems_of(package) == [f"{RELIANCE}.artifact: this item type needs an artifact"]


def test_unknown_competency(package, edit):
    edit(lambda data: first_item(data).update(competencies=["VER", "XYZ"]))

    assert problems_of(package) == [f"{ITEM}.competencies[1]: unknown competency XYZ"]


def test_unknown_failure_mode_in_ground_truth(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["artifacts"][0]["ground_truth"].update(failure_modes=["OOPS"]))

    assert problems_of(package) == [
        "modules[0].cases[0].artifacts[0].ground_truth.failure_modes[0]: unknown failure mode OOPS",
    ]


def test_wrong_output_without_failure_mode(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["artifacts"][0]["ground_truth"].update(failure_modes=[]))

    assert problems_of(package) == [
        "modules[0].cases[0].artifacts[0].ground_truth.failure_modes: "
        "name at least one failure mode of an incorrect AI output",
    ]


def test_reliance_key_must_agree_with_the_ground_truth(package, edit):
    edit(lambda data: data["modules"][0]["cases"][0]["items"][1]["key"].update(answer="sign"))

    lines = problems_of(package)
    assert len(lines) == 1 and lines[0].startswith(f"{RELIANCE}.key.answer: ")


def test_overlay_outside_the_image(package, edit):
    edit(lambda data: data["modules"][1]["cases"][0]["artifacts"][0]["content"]["overlays"][0].update(x=60))

    assert problems_of(package) == [f"{IMAGE}.content.overlays[0]: the box goes beyond the 64×64 image"]


def test_unknown_translated_course(package, edit):
    edit(lambda data: data.update(translation_of="no-such-course"))

    assert problems_of(package) == ["translation_of: no course with slug no-such-course"]


def test_every_problem_is_reported_at_once(package, edit):
    def break_three_things(data):
        data.update(language="de")
        first_item(data)["key"]["spans"][0].update(end=10)
        data["modules"][1]["cases"][1]["items"][0].update(competencies=["NOPE"])

    edit(break_three_things)

    assert problems_of(package) == [
        "language: must be one of: en, fr",
        f"{ITEM}.key.spans[0].end: must be greater than start",
        "modules[1].cases[1].items[0].competencies[0]: unknown competency NOPE",
    ]


def test_invalid_yaml(package):
    (package / "course.yaml").write_text("format: vigil-course/1\nmodules: [\n", encoding="utf-8")

    [line] = problems_of(package)
    assert line.startswith("course.yaml: not valid YAML at line 3")


def test_duplicate_yaml_keys(package):
    text = (package / "course.yaml").read_text(encoding="utf-8")
    (package / "course.yaml").write_text(text.replace("hours: 1.5\n", "hours: 1.5\nhours: 2\n"), encoding="utf-8")

    [line] = problems_of(package)
    assert line.startswith("course.yaml: not valid YAML at line 7") and "duplicate key hours" in line


def test_yaml_aliases_are_refused(package):
    (package / "course.yaml").write_text("a: [1, 2]\nb: [*x, *x]\n", encoding="utf-8")

    assert problems_of(package) == [
        "course.yaml: not valid YAML at line 2, column 5: aliases (*name) are not supported in course packages",
    ]


def test_yaml_anchors_are_refused_even_unused(package):
    (package / "course.yaml").write_text("slug: &s x\n", encoding="utf-8")

    assert problems_of(package) == [
        "course.yaml: not valid YAML at line 1, column 7: anchors (&name) are not supported in course packages",
    ]


def test_yaml_nested_too_deeply_is_refused(package):
    (package / "course.yaml").write_text("a: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")

    [line] = problems_of(package)
    assert "nested more than 40 levels deep" in line


def test_an_oversized_yaml_text_is_refused(package, monkeypatch):
    from courses.packages import loader

    monkeypatch.setattr(loader, "MAX_YAML_CHARS", 100)
    [line] = problems_of(package)
    assert "at most 100 are accepted" in line


def test_a_text_over_the_length_limit_is_refused_at_its_path(package, edit):
    edit(lambda data: data["modules"][0]["lessons"][0].update(body="x" * 100_001))

    assert problems_of(package) == [
        "modules[0].lessons[0].body: is 100001 characters long; at most 100000 are accepted",
    ]


def test_missing_package(tmp_path):
    assert problems_of(tmp_path) == ["course.yaml: no such file: course.yaml"]  # no server path


# --- nothing half-written -------------------------------------------------------------

def test_a_failing_import_writes_nothing(package, edit):
    edit(lambda data: first_item(data)["key"]["spans"][0].update(end=1))

    problems_of(package)

    assert (Course.objects.count(), CourseVersion.objects.count(), MediaAsset.objects.count()) == (0, 0, 0)


def test_a_failing_reimport_leaves_the_draft_untouched(package, edit):
    draft = course_package_import(path=package)
    edit(lambda data: first_item(data).update(competencies=[]))

    problems_of(package)

    assert Item.objects.filter(case__module__version=draft).count() == 7


def test_a_failure_while_writing_rolls_everything_back(package, monkeypatch):
    def fail(version, files, names):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "write_media", fail)

    with pytest.raises(RuntimeError):
        course_package_import(path=package)
    assert (Course.objects.count(), Module.objects.count(), Item.objects.count()) == (0, 0, 0)


# --- media ------------------------------------------------------------------------------

def set_image_src(edit, src: str) -> None:
    edit(lambda data: data["modules"][1]["cases"][0]["artifacts"][0]["content"].update(src=src))


def test_missing_media_file(package, edit):
    set_image_src(edit, "media/missing.svg")

    assert problems_of(package) == [f"{IMAGE}.content.src: file media/missing.svg not found in the package"]


def test_media_outside_the_media_folder(package, edit):
    set_image_src(edit, "media/../course.yaml")

    assert problems_of(package) == [
        f"{IMAGE}.content.src: must be a path inside the package's media/ folder, such as media/scan.png",
    ]


def test_media_symlink_out_of_the_package(package, edit, tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_bytes((package / "media" / "cxr.svg").read_bytes())
    (package / "media" / "link.svg").symlink_to(secret)
    set_image_src(edit, "media/link.svg")

    assert problems_of(package) == [f"{IMAGE}.content.src: must be a path inside the package"]


def test_unsupported_media_type(package, edit):
    (package / "media" / "scan.gif").write_bytes(b"GIF89a" + b"\0" * 20)
    set_image_src(edit, "media/scan.gif")

    assert problems_of(package) == [
        f"{IMAGE}.content.src: unsupported file type .gif (accepted: PNG, JPEG, SVG, WebP)",
    ]


def test_media_content_must_match_its_extension(package, edit):
    (package / "media" / "scan.png").write_bytes((package / "media" / "cxr.svg").read_bytes())
    set_image_src(edit, "media/scan.png")

    assert problems_of(package) == [f"{IMAGE}.content.src: the file's content is not image/png"]


def test_media_larger_than_5_mib(package, edit):
    (package / "media" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024))
    set_image_src(edit, "media/big.png")

    assert problems_of(package) == [
        f"{IMAGE}.content.src: file is 5242888 bytes; at most 5242880 are accepted (5 MiB)",
    ]


def test_svg_with_a_script_is_refused(package, edit):
    (package / "media" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8",
    )
    set_image_src(edit, "media/evil.svg")

    assert problems_of(package) == [
        f"{IMAGE}.content.src: SVG files may hold only drawing elements (no scripts, event handlers, "
        "foreign content or external references); this one has the element <script>",
    ]


def test_svg_with_a_namespaced_script_is_refused(package, edit):
    (package / "media" / "evil.svg").write_text(
        '<svg xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>', encoding="utf-8",
    )
    set_image_src(edit, "media/evil.svg")

    [problem] = problems_of(package)
    assert problem.endswith("this one has the element <script>")


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "image/png"),
    ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 16, "image/jpeg"),
    ("scan.webp", b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8, "image/webp"),
    ("scan.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
])
def test_accepted_media_types(package, edit, name, content, content_type):
    (package / "media" / name).write_bytes(content)
    set_image_src(edit, f"media/{name}")

    version = course_package_import(path=package)

    assert MediaAsset.objects.get(version=version).content_type == content_type


def test_hours_with_two_decimals(package, edit):
    edit(lambda data: data.update(hours=1.25))

    assert problems_of(package) == ["hours: must have at most one decimal"]


def test_correct_output_with_a_failure_mode(package, edit):
    edit(lambda data: data["modules"][1]["cases"][0]["artifacts"][1]["ground_truth"].update(failure_modes=["CAL"]))

    assert problems_of(package) == [
        "modules[1].cases[0].artifacts[1].ground_truth.failure_modes: must be empty when the AI output is correct",
    ]


def test_a_document_that_is_not_a_mapping(package):
    (package / "course.yaml").write_text("- just a list\n", encoding="utf-8")

    assert problems_of(package) == ["course.yaml: must be an object"]
