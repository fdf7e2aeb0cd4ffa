"""``manage.py import_questions PATH --course SLUG``: a bank or a folder of banks into the
course's draft (made when there is none), each file all or none, with the report of what
each question became; a clear CommandError (exit status 1) when nothing could be imported."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import CourseVersion, Item, Module
from courses.question_import import QUESTION_FORMATS
from tests.courses.test_import_report import BANK
from tests.courses.test_moodle_gift import GIFT, author, draft  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

GOOD_GIFT = b"::Reliance::Do you follow the AI?{=No, I check ~Yes}\n\n::Essay::Critique it.{}\n"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_questions", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def as_json(*args) -> dict:
    return json.loads(run(*args, "--json")[0])


def test_a_moodle_file_goes_into_a_new_module_named_after_it_with_the_report(draft, tmp_path):  # noqa: F811
    bank = tmp_path / "sepsis-bank.xml"
    bank.write_bytes(BANK)
    report = as_json(bank, "--course", "imports")
    assert set(report) == {"imported", "by_type", "skipped", "dropped"}
    assert (report["imported"], report["by_type"]) == (3, {"numeric": 1, "single_choice": 2})
    assert report["skipped"] == [{"where": "question 5 (Drag)", "reason": report["skipped"][0]["reason"]}]
    assert "ddwtos" in report["skipped"][0]["reason"]
    assert report["dropped"][0] == {"where": "question 2 (Partial)", "type": "single_choice",
                                    "reason": "partial credit of the other answers was dropped "
                                              "(single choice scores 1 or 0)"}
    module = Module.objects.get(version=draft)
    assert module.title == "sepsis-bank" and Item.objects.filter(case__module=module).count() == 3


def test_a_folder_is_read_recursively_each_where_naming_its_file(draft, tmp_path):  # noqa: F811
    (tmp_path / "week1").mkdir()
    (tmp_path / "week1" / "moodle.xml").write_bytes(BANK)
    (tmp_path / "week2.gift").write_bytes(GOOD_GIFT)
    (tmp_path / "week1" / "film.png").write_bytes(b"\x89PNG")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    report = as_json(tmp_path, "--course", "imports")
    assert report["imported"] == 5 and report["by_type"] == {"free_text": 1, "numeric": 1, "single_choice": 3}
    assert [s["where"] for s in report["skipped"]] == ["week1/film.png", "week1/moodle.xml: question 5 (Drag)"]
    assert report["skipped"][0]["reason"] == "not a question bank (banks are .xml, .gift, .txt, .aiken files)"
    assert {d["where"].split(": ")[0] for d in report["dropped"]} == {"week1/moodle.xml", "week2.gift"}
    assert sorted(Module.objects.filter(version=draft).values_list("title", flat=True)) == ["moodle", "week2"]


def test_a_broken_file_among_others_is_reported_and_the_rest_imported(draft, tmp_path):  # noqa: F811
    (tmp_path / "a.xml").write_bytes(b"<quiz><question>")
    (tmp_path / "b.gift").write_bytes(GOOD_GIFT)
    report = as_json(tmp_path, "--course", "imports")
    assert report["imported"] == 2
    assert report["skipped"] == [{"where": "a.xml", "reason": "The file is not valid XML (line 1, column 17)."}]


def test_the_text_report_says_per_file_what_was_imported_and_what_was_not(draft, tmp_path):  # noqa: F811
    (tmp_path / "bank.xml").write_bytes(BANK)
    out, _err = run(tmp_path, "--course", "imports")
    lines = out.splitlines()
    assert lines[0] == "Imported 3 questions (numeric: 1, single_choice: 2)."
    assert lines[1] == "bank.xml: 3 imported into the module “bank” (numeric: 1, single_choice: 2)."
    assert "bank.xml: question 2 (Partial) (single_choice) dropped: partial credit" in out
    assert "bank.xml: question 5 (Drag) not imported: questions of type ddwtos" in out
    assert lines[-1] == f"Imported 3 questions into imports version {draft.number} (draft)."


def test_a_course_without_a_draft_gets_one_made_from_its_latest_version(published, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_bytes(GOOD_GIFT)
    run(bank, "--course", published.course.slug)
    draft = CourseVersion.objects.get(course=published.course, status=CourseVersion.Status.DRAFT)
    assert draft.number == published.number + 1
    assert list(draft.modules.order_by("position").values_list("title", flat=True)) == [
        *published.modules.order_by("position").values_list("title", flat=True), "bank"]


def test_nothing_importable_is_an_error_and_leaves_no_draft_made_for_it(published, tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_bytes(b"Only a description.\n")
    out = StringIO()
    with pytest.raises(CommandError, match=r"^No question could be imported; nothing was changed\.$") as error:
        call_command("import_questions", str(bank), "--course", published.course.slug, "--json", stdout=out)
    assert error.value.returncode == 1
    assert json.loads(out.getvalue())["skipped"][0]["where"].startswith("question at line 1")
    assert not CourseVersion.objects.filter(course=published.course, status=CourseVersion.Status.DRAFT).exists()


def test_module_adds_every_file_to_that_module_of_the_draft(draft, tmp_path):  # noqa: F811
    from courses.authoring import module_create

    module = module_create(version=draft, title="Reliance drills")
    (tmp_path / "a.gift").write_bytes(GOOD_GIFT)
    (tmp_path / "b.xml").write_bytes(BANK)
    run(tmp_path, "--course", "imports", "--module", module.slug)
    assert Module.objects.filter(version=draft).count() == 1
    assert Item.objects.filter(case__module=module).count() == 5


def test_an_unknown_module_names_the_modules_there_are(draft, tmp_path):  # noqa: F811
    from courses.authoring import module_create

    module_create(version=draft, title="Reliance drills")
    (tmp_path / "a.gift").write_bytes(GOOD_GIFT)
    with pytest.raises(CommandError, match=r"^The draft of imports has no module nope \(its modules: reliance-drills\)\.$"):
        run(tmp_path, "--course", "imports", "--module", "nope")


def test_format_reads_a_file_as_that_format_whatever_its_name(draft, tmp_path):  # noqa: F811
    bank = tmp_path / "bank.xml"
    bank.write_bytes(GOOD_GIFT)
    with pytest.raises(CommandError):  # read as Moodle XML by its name
        run(bank, "--course", "imports")
    assert as_json(bank, "--course", "imports", "--format", "gift")["imported"] == 2


def test_format_accepts_the_registered_formats_only(draft, tmp_path):  # noqa: F811
    bank = tmp_path / "bank.gift"
    bank.write_bytes(GOOD_GIFT)
    assert {"moodle-xml", "gift"} <= set(QUESTION_FORMATS)
    with pytest.raises(CommandError, match="invalid choice: 'yaml'"):
        run(bank, "--course", "imports", "--format", "yaml")


@pytest.mark.parametrize(("args", "message"), [
    (["--course", "nope"], r"^No course with slug nope\.$"),
    (["--course", "imports", "--competency", "XYZ"], r"^No competency with code XYZ\.$"),
])
def test_a_wrong_course_or_competency_is_a_clear_error(draft, tmp_path, args, message):  # noqa: F811
    bank = tmp_path / "bank.gift"
    bank.write_bytes(GOOD_GIFT)
    with pytest.raises(CommandError, match=message):
        run(bank, *args)


def test_a_missing_path_is_named_as_given(draft, tmp_path):  # noqa: F811
    with pytest.raises(CommandError) as error:
        run("no/such/bank.xml", "--course", "imports")
    assert str(error.value) == "no/such/bank.xml is neither a file nor a folder."


def test_an_empty_folder_is_a_clear_error(draft, tmp_path):  # noqa: F811
    with pytest.raises(CommandError, match="holds no file"):
        run(tmp_path, "--course", "imports")


def test_an_imported_draft_then_exports_with_export_questions(draft, tmp_path):  # noqa: F811
    bank = tmp_path / "bank.gift"
    bank.write_text(GIFT, encoding="utf-8")
    imported = as_json(bank, "--course", "imports")["imported"]
    out = StringIO()
    call_command("export_questions", "imports", str(tmp_path / "out.gift"), "--format", "gift", "--json", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["exported"] == imported and (tmp_path / "out.gift").read_text(encoding="utf-8")
