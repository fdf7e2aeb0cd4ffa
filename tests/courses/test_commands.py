"""The import_course and export_course management commands."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import Course, CourseVersion

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary(package):
    out, _err = run("import_course", str(package))

    assert out.strip() == (
        "Imported mini-course version 1 (Draft). Modules: 2, lessons: 1, cases: 3, items: 7, media files: 1."
    )


def test_import_with_publish(package):
    run("import_course", str(package / "course.yaml"), "--publish")

    assert CourseVersion.objects.get().status == CourseVersion.Status.PUBLISHED


def test_import_prints_each_problem_and_exits_with_status_1(package, edit):
    def break_two_things(data):
        data.update(hours=-1)
        data["modules"][0]["cases"][0]["items"][0]["key"]["spans"][0].update(end=10)

    edit(break_two_things)
    err = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_course", str(package), stdout=StringIO(), stderr=err)

    assert error.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "hours: must be at least 0",
        "modules[0].cases[0].items[0].key.spans[0].end: must be greater than start",
    ]
    assert not Course.objects.exists()


def test_import_refuses_an_unknown_user(package):
    with pytest.raises(CommandError):
        run("import_course", str(package), "--user", "nobody")


def test_export_writes_the_package(package, tmp_path):
    run("import_course", str(package), "--publish")

    out, _err = run("export_course", "mini-course", str(tmp_path / "out"))

    assert (tmp_path / "out" / "course.yaml").read_bytes() == (package / "course.yaml").read_bytes()
    assert (tmp_path / "out" / "media" / "cxr.svg").exists()
    assert out.strip() == f"Exported mini-course version 1 to {tmp_path / 'out' / 'course.yaml'}."


def test_export_of_a_chosen_version_number(package, tmp_path):
    run("import_course", str(package), "--publish")
    run("import_course", str(package))

    out, _err = run("export_course", "mini-course", str(tmp_path / "out"), "--version", "2")

    assert "version 2" in out


def test_export_of_an_unknown_course_fails(tmp_path):
    with pytest.raises(CommandError, match="No course with slug nope"):
        run("export_course", "nope", str(tmp_path))


def test_export_of_an_unknown_version_fails(package, tmp_path):
    run("import_course", str(package))

    with pytest.raises(CommandError, match="mini-course has no version 9"):
        run("export_course", "mini-course", str(tmp_path), "--version", "9")


def test_export_questions_writes_moodle_xml_and_prints_the_report(published, tmp_path):
    out, _err = run("export_questions", "mini-course", str(tmp_path), "--format", "moodle-xml")

    file = tmp_path / "mini-course-v1-questions.xml"
    assert file.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    lines = out.splitlines()
    assert lines[0] == "Exported 5 items (essay: 1, multichoice: 3, numerical: 1)."
    assert "appraising-tools / portable-film / which-lobe (single_choice → multichoice): the AI output cxr is " \
           "written into the question text (Moodle has no AI outputs; its ground truth is not exported)" in lines
    assert any(line.startswith("verifying-text / fabricated-allergy / find-the-errors (error_spans) left out: ")
               for line in lines)
    assert lines[-1] == f"Wrote 5 questions of mini-course version 1 to {file}."


def test_export_questions_json_report_of_one_module(published, tmp_path):
    import json

    out, _err = run("export_questions", "mini-course", str(tmp_path / "q.txt"), "--format", "gift",
                    "--module", "verifying-text", "--json")

    report = json.loads(out)
    assert (report["exported"], report["by_type"]) == (1, {"multichoice": 1})
    assert [entry["type"] for entry in report["left_out"]] == ["error_spans"]
    assert (tmp_path / "q.txt").read_text(encoding="utf-8").count("::accept-the-plan::") == 1


def test_export_questions_refuses_an_unknown_module(published, tmp_path):
    with pytest.raises(CommandError, match="has no module nope"):
        run("export_questions", "mini-course", str(tmp_path), "--format", "gift", "--module", "nope")
