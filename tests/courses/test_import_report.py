"""The report of a question import, per question: imported as which item type, into which
module and case, what was dropped and why; the questions left out, each with its reason;
counts by item type. Kept by an import job (as_json/from_json) and shown in the studio."""
import pytest

from courses.models import Case
from courses.packages.gift import parse_gift
from courses.packages.moodle_xml import parse_moodle_xml
from courses.question_import import QuestionsReport, questions_import
from tests.courses.test_moodle_gift import RED, author, draft, embedded, question, quiz  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PARTIAL = ('<answer fraction="100"><text>Reassess</text></answer><answer fraction="50"><text>Wait</text></answer>'
           '<answer fraction="0"><text>Start</text></answer>')
BANK = quiz(
    question("Partial", "Reassess or start?", answers=PARTIAL),
    question("Film", '<p>Film: <img src="@@PLUGINFILE@@/film.png" alt="film"> '
                     '<img src="@@PLUGINFILE@@/notes.pdf"></p>',
             embedded("film.png", RED) + embedded("notes.pdf", "JVBERi0xLjQ=")),
    '<question type="numerical"><name><text>PPV</text></name><questiontext format="html"><text>PPV?</text>'
    '</questiontext><answer fraction="100"><text>9.2</text><tolerance>0.5</tolerance></answer></question>',
    '<question type="ddwtos"><name><text>Drag</text></name><questiontext><text>Drag</text></questiontext></question>',
)


def imported(draft, data: bytes = BANK):  # noqa: F811
    return questions_import(version=draft, module_title="Moodle bank",
                            parsed=parse_moodle_xml(data, source_name="bank.xml", competency="VER"))


def test_each_imported_question_says_its_item_type_module_and_case(draft):  # noqa: F811
    report = imported(draft)
    case = Case.objects.get(module=report.module)
    assert [(q.where, q.type, q.module, q.case, q.case_id) for q in report.questions] == [
        ("question 2 (Partial)", "single_choice", "Moodle bank", "Imaging", case.pk),
        ("question 3 (Film)", "single_choice", "Moodle bank", "Imaging", case.pk),
        ("question 4 (PPV)", "numeric", "Moodle bank", "Imaging", case.pk),
    ]


def test_what_a_question_lost_is_its_dropped_list_with_the_reason(draft):  # noqa: F811
    dropped = {q.where: q.dropped for q in imported(draft).questions}
    assert dropped["question 2 (Partial)"] == ["partial credit of the other answers was dropped "
                                               "(single choice scores 1 or 0)"]
    (lost_file,) = dropped["question 3 (Film)"]
    assert lost_file.startswith("notes.pdf was not imported: unsupported file type .pdf")
    assert dropped["question 4 (PPV)"] == []


def test_counts_by_item_type_cover_the_imported_questions_only(draft):  # noqa: F811
    report = imported(draft)
    assert report.by_type == {"numeric": 1, "single_choice": 2}
    assert report.by_type_labels == [("Numeric", 1), ("Single choice", 2)]
    assert [s.where for s in report.skipped] == ["question 5 (Drag)"]


def test_a_question_the_package_rules_refuse_is_skipped_not_listed_as_imported(draft):  # noqa: F811
    parsed = parse_gift(b"::Fine::Yes? {=yes ~no}\n\n::Long::" + b"x" * 300 + b"{=a ~b}", source_name="b.gift",
                        competency="VER")
    parsed.cases[0]["items"][1]["competencies"] = ["NOPE"]  # as a rule of the package would refuse it
    report = questions_import(version=draft, parsed=parsed)
    assert [q.where for q in report.questions] == ["question at line 1 (Fine)"]
    assert report.skipped[0].where.startswith("question at line 3") and "NOPE" in report.skipped[0].reason


def test_the_report_a_job_keeps_reads_back_the_same(draft):  # noqa: F811
    report = imported(draft)
    back = QuestionsReport.from_json(report.as_json())
    assert back.questions == report.questions and back.by_type == report.by_type
    assert back.as_json()["by_type"] == {"numeric": 1, "single_choice": 2}


def test_a_report_kept_before_questions_were_listed_still_reads(draft):  # noqa: F811
    old = imported(draft).as_json()
    del old["questions"], old["by_type"]
    assert QuestionsReport.from_json(old).questions == []


def test_the_summary_the_command_prints_puts_the_file_before_each_where(draft):  # noqa: F811
    summary = imported(draft).summary("week1/bank.xml: ")
    assert summary["imported"] == 3 and summary["by_type"] == {"numeric": 1, "single_choice": 2}
    assert summary["skipped"][0]["where"] == "week1/bank.xml: question 5 (Drag)"
    assert [(d["where"], d["type"]) for d in summary["dropped"]] == [
        ("week1/bank.xml: question 2 (Partial)", "single_choice"), ("week1/bank.xml: question 3 (Film)", "single_choice"),
    ]


def test_what_is_said_of_the_file_as_a_whole_is_kept_beside_the_questions(draft):  # noqa: F811
    data = "::IA::L’IA a-t-elle raison ? {T}".encode("cp1252")  # ’ is 0x92: Windows-1252, not Latin-1
    report = questions_import(version=draft, module_title="GIFT bank",
                              parsed=parse_gift(data, source_name="bank.gift", competency="VER"))
    assert [n.where for n in report.other_notes] == ["the file"]
    assert any("Windows-1252" in d["reason"] and d["type"] == "" for d in report.summary()["dropped"])
