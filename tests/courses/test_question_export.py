"""Exporting items to Moodle XML and GIFT: one rule per item type, what each format cannot
carry, and round trips (Vigil → Moodle XML → Vigil, Vigil → GIFT → Vigil) giving the same items."""
import base64
import copy
import re
from xml.etree import ElementTree

import pytest

from courses.packages.gift import parse_gift
from courses.packages.moodle_xml import parse_moodle_xml
from courses.question_export import package_sources, questions_export
from courses.question_export.gift import escape
from courses.question_export.mappings import MAPPINGS, MOODLE_GRADES, Source, nearest_grade
from quizzes.graders.matching import matching_spec
from tests.courses.test_media import PNG

OPTIONS = [{"id": "a", "text": "Reassess in an hour"}, {"id": "b", "text": "Start now"},
           {"id": "c", "text": "Ask the *registrar*"}]


def item(slug, type_, **fields):
    return {"slug": slug, "type": type_, "prompt": fields.pop("prompt", f"Prompt of {slug}?"),
            "competencies": fields.pop("competencies", ["VER"]), "failure_modes": fields.pop("failure_modes", []),
            **fields}


def package(*items, artifacts=()):
    return {"modules": [{"slug": "sepsis", "title": "Sepsis", "cases": [
        {"slug": "bundle", "title": "The bundle", "artifacts": list(artifacts), "items": list(items)},
    ]}]}


def export(pkg, fmt, files=None):
    files = files or {}
    return questions_export(package_sources(pkg), fmt=fmt, read=files.get)


def reimport(content, fmt):
    parse = parse_moodle_xml if fmt == "moodle-xml" else parse_gift
    return parse(content, source_name="export", competency="VER")


def same(original: dict) -> dict:
    """An item as the importer gives it back: its slug, type, texts, spec and key."""
    keep = ("slug", "type", "prompt", "competencies", "failure_modes", "spec", "key", "rationale")
    return {k: v for k, v in original.items() if k in keep and v not in ({}, None)}


TRICKY = "A {tricky} text: = ~ # \\ and a\n\nsecond paragraph with `code` and [a link](https://example.org)"

ROUND_TRIP = [
    item("single", "single_choice", prompt=TRICKY, spec={"options": OPTIONS}, key={"answer": "b"},
         rationale="Lactate **first**: then decide."),
    item("multi-default", "multiple_choice", spec={"options": OPTIONS}, key={"correct": ["a", "c"]}),
    item("multi-weights", "multiple_choice", spec={"options": OPTIONS},
         key={"correct": ["a", "b"], "weights": {"a": 0.75, "b": 0.25, "c": -1}}),
    item("ppv", "numeric", prompt="PPV at 2% prevalence?", key={"value": 9.2, "tolerance_abs": 0.5},
         rationale="Bayes."),
    item("negative", "numeric", key={"value": -3}),
    item("explain", "free_text", key={"criteria": [{"id": "criterion-1", "text": "Names the bias", "points": 1}]}),
]


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_round_trip_gives_the_same_items(fmt):
    items = copy.deepcopy(ROUND_TRIP)
    exported = export(package(*items), fmt)
    result = reimport(exported.content, fmt)
    assert result.skipped == []
    if fmt == "gift":  # what the report says GIFT cannot carry: the essay's rubric
        assert "the rubric is not exported: GIFT essays have no grader information" in exported.lines[-1].losses
        items[-1]["key"]["criteria"][0]["text"] = "Answers the question as expected"
    [case] = result.cases
    assert case["title"] == "The bundle"
    assert [same(i) for i in case["items"]] == [same(i) for i in items]


def test_moodle_xml_round_trip_keeps_competencies_and_failure_modes_as_tags():
    entry = item("tagged", "single_choice", spec={"options": OPTIONS}, key={"answer": "a"},
                 competencies=["VER", "CAL"], failure_modes=["OVS"])
    content = export(package(entry), "moodle-xml").content
    assert b"<tag><text>competency-CAL</text></tag>" in content
    [back] = reimport(content, "moodle-xml").cases[0]["items"]
    assert (back["competencies"], back["failure_modes"]) == (["VER", "CAL"], ["OVS"])


def test_moodle_xml_embeds_media_as_pluginfile_and_reimports_it():
    entry = item("scan", "single_choice", prompt="Look: ![chest film](media/cxr.png)", spec={"options": OPTIONS},
                 key={"answer": "a"})
    result = export(package(entry), "moodle-xml", {"media/cxr.png": PNG})
    question = ElementTree.fromstring(result.content).find("question[@type='multichoice']")
    text = question.find("questiontext")
    assert text.find("text").text == "Look: ![chest film](@@PLUGINFILE@@/cxr.png)"
    file = text.find("file")
    assert (file.get("name"), file.get("encoding"), base64.b64decode(file.text)) == ("cxr.png", "base64", PNG)
    back = reimport(result.content, "moodle-xml")
    assert back.cases[0]["items"][0]["prompt"] == "Look: ![chest film](media/cxr.png)"
    assert back.files["media/cxr.png"].sha256


def test_a_media_file_that_cannot_be_read_is_reported():
    entry = item("scan", "single_choice", prompt="![x](media/gone.png)", spec={"options": OPTIONS},
                 key={"answer": "a"})
    [line] = export(package(entry), "moodle-xml").lines
    assert any("media/gone.png" in loss for loss in line.losses)


def test_gift_leaves_images_out_and_says_so():
    entry = item("scan", "single_choice", prompt="Look: ![chest film](media/cxr.png)", spec={"options": OPTIONS},
                 key={"answer": "a"})
    result = export(package(entry), "gift", {"media/cxr.png": PNG})
    assert b"[chest film]" in result.content and b"media/cxr.png" not in result.content
    assert any("GIFT file carries no files" in loss for loss in result.lines[0].losses)


def test_moodle_xml_is_what_moodle_reads():
    result = export(package(*ROUND_TRIP), "moodle-xml")
    root = ElementTree.fromstring(result.content)
    assert root.tag == "quiz"
    category = root.find("question[@type='category']/category/text").text
    assert category == "$course$/top/Sepsis/The bundle"
    types = [q.get("type") for q in root.findall("question")]
    assert types == ["category", "multichoice", "multichoice", "multichoice", "numerical", "numerical", "essay"]
    for question in root.findall("question")[1:]:
        assert question.find("questiontext").get("format") == "markdown"
        assert question.find("name/text").text


def test_single_choice_is_multichoice_single_with_one_full_answer():
    question = MAPPINGS["single_choice"](Source({}, {}, ROUND_TRIP[0]))
    assert (question.qtype, question.single) == ("multichoice", True)
    assert [a.fraction for a in question.answers] == [0, 100, 0]


def test_single_choice_certainty_is_reported_lost():
    question = MAPPINGS["single_choice"](Source({}, {}, item("s", "single_choice", spec={
        "options": OPTIONS, "certainty": True}, key={"answer": "a"})))
    assert any("certainty" in loss for loss in question.losses)


def test_multiple_choice_default_weights_become_moodle_fractions():
    question = MAPPINGS["multiple_choice"](Source({}, {}, ROUND_TRIP[1]))
    assert question.single is False
    assert [a.fraction for a in question.answers] == [50, -100, 50]
    assert question.losses == []


def test_multiple_choice_weight_moodle_lacks_is_written_as_its_nearest_grade():
    question = MAPPINGS["multiple_choice"](Source({}, {}, item("m", "multiple_choice", spec={"options": OPTIONS},
                                                             key={"correct": ["a"], "weights": {"a": 1, "b": -0.37}})))
    assert [a.fraction for a in question.answers] == [100, -40, 0]
    assert any("-37% → -40%" in loss for loss in question.losses)


def test_every_nearest_grade_is_one_moodle_accepts():
    assert all(nearest_grade(p / 7) in MOODLE_GRADES for p in range(-800, 800))
    assert nearest_grade(100 / 3) == 33.33333 and nearest_grade(250) == 100


def test_numeric_relative_tolerance_becomes_absolute_with_the_loss_said():
    question = MAPPINGS["numeric"](Source({}, {}, item("n", "numeric", key={"value": 200, "tolerance_rel": 0.05})))
    assert (question.qtype, question.answers[0].text, question.answers[0].tolerance) == ("numerical", "200", 10)
    assert any("relative tolerance" in loss for loss in question.losses)


def test_numeric_unit_goes_to_moodle_units_but_not_to_gift():
    entry = item("n", "numeric", spec={"unit": "mmHg"}, key={"value": 90})
    xml = export(package(entry), "moodle-xml")
    assert b"<unit_name>mmHg</unit_name>" in xml.content and xml.lines[0].losses == []
    gift = export(package(entry), "gift")
    assert any("mmHg" in loss for loss in gift.lines[0].losses)


def test_free_text_rubric_goes_to_grader_info_with_its_points():
    entry = item("f", "free_text", key={"criteria": [
        {"id": "c1", "text": "Names the bias", "points": 2},
        {"id": "c2", "text": "Proposes a check", "points": 1, "look_for": ["lactate"]}]})
    question = MAPPINGS["free_text"](Source({}, {}, entry))
    assert (question.qtype, question.default_grade) == ("essay", 3)
    assert "Names the bias (2 points)" in question.grader_info and "lactate" in question.grader_info
    assert any("rubric of 2 criteria" in loss for loss in question.losses)


def test_reliance_decision_becomes_multichoice_with_the_ai_output_in_the_text_and_losses_stated():
    artifact = {"slug": "note", "kind": "text", "title": "Discharge note", "content": {"text": "Start antibiotics."},
                "ground_truth": {"correct": False}}
    entry = item("rely", "reliance_decision", artifact="note", spec={
        "question": "What do you do?", "options": OPTIONS[:2], "ai_answer": "b", "decide_first": True,
        "ask_confidence": True}, key={"answer": "a"})
    result = export(package(entry, artifacts=[artifact]), "moodle-xml")
    [line] = result.lines
    assert line.moodle_type == "multichoice"
    text = ElementTree.fromstring(result.content).find("question[@type='multichoice']/questiontext/text").text
    assert "> Start antibiotics." in text and "What do you do?" in text and "The AI recommends: **Start now**" in text
    losses = " ".join(line.losses)
    assert "decide first" in losses and "confidence" in losses and "whether the AI was right" in losses
    assert "ground truth is not exported" in losses


@pytest.mark.parametrize("type_", ["error_spans", "script_concordance"])
def test_types_moodle_cannot_grade_are_left_out_with_a_reason(type_):
    result = export(package(item("x", type_), ROUND_TRIP[0]), "gift")
    assert [line.moodle_type for line in result.lines] == ["", "multichoice"]
    assert result.lines[0].reason and result.as_json()["left_out"][0]["type"] == type_
    assert b"::x::" not in result.content


def test_an_unknown_type_is_left_out_not_a_crash():
    result = export(package(item("x", "hotspot")), "moodle-xml")
    assert result.lines[0].reason and result.exported == 0


def test_gift_escapes_every_special_character_and_line_break():
    assert escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_gift_writes_weights_moodle_parses():
    content = export(package(ROUND_TRIP[2]), "gift").content.decode()
    assert re.search(r"~%75%Reassess in an hour\n\t~%25%Start now\n\t~%-100%Ask the \*registrar\*", content)
    assert "$CATEGORY: $course$/top/Sepsis/The bundle" in content


def test_a_slash_in_a_category_name_survives_the_round_trip():
    pkg = package(ROUND_TRIP[0])
    pkg["modules"][0]["cases"][0]["title"] = "Week 1/2"
    for fmt in ("moodle-xml", "gift"):
        content = export(pkg, fmt).content
        assert b"The bundle" not in content and b"Week 1//2" in content
        assert reimport(content, fmt).cases[0]["title"] == "Week 1/2"


def test_only_the_chosen_items_or_module_are_exported():
    pkg = package(*ROUND_TRIP)
    chosen = package_sources(pkg, {("sepsis", "bundle", "ppv")})
    assert [s.item["slug"] for s in chosen] == ["ppv"]
    assert package_sources(pkg, module="other") == []


def test_multiple_choice_right_grades_above_100_are_reported():
    question = MAPPINGS["multiple_choice"](Source({}, {}, item("m", "multiple_choice", spec={"options": OPTIONS},
                                                             key={"correct": ["a", "b"], "weights": {"a": 1, "b": 0.5}})))
    assert [a.fraction for a in question.answers] == [100, 50, 0]
    assert any("add up to 150%" in loss for loss in question.losses)


def test_free_text_word_limit_goes_to_moodle():
    entry = item("f", "free_text", spec={"max_words": 150},
                 key={"criteria": [{"id": "criterion-1", "text": "Names the bias", "points": 1}]})
    content = export(package(entry), "moodle-xml").content
    assert b"<maxwordenabled>1</maxwordenabled>" in content and b"<maxwordlimit>150</maxwordlimit>" in content
    [back] = reimport(content, "moodle-xml").cases[0]["items"]
    assert back["spec"] == {"max_words": 150}


SHORT = item("aki", "short_answer", prompt="Name the diagnosis: creatinine {doubled} in 48 h?",
             key={"answers": [{"text": "acute kidney injury", "fraction": 1, "feedback": "Right: = AKI, stage #2."},
                              {"text": "AKI", "fraction": 1},
                              {"text": "*renal*", "fraction": 0.5, "feedback": "Name the acute form."}],
                  "case_sensitive": True},
             rationale="KDIGO: **stage 2**.")
_MATCH_SPEC, _MATCH_KEY = matching_spec([("Sensitivity: the {true} positive rate", "TP / (TP + FN)"),
                                         ("Specificity = TN rate", "TN / (TN + FP)")], ["TP / (TP + FP) #PPV"])
MATCH = item("metrics", "matching", prompt="Match each measure with its formula.", spec=_MATCH_SPEC, key=_MATCH_KEY,
             rationale="Read the 2×2 table.")

CASE_LOST = "case sensitivity is not exported: GIFT short answers ignore case (export to Moodle XML to keep it)"
NO_TAGS = "its competencies and failure modes are not exported: GIFT has no tags"


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_short_answer_and_matching_round_trip_with_the_losses_reported(fmt):
    items = copy.deepcopy([SHORT, MATCH])
    exported = export(package(*items), fmt)
    assert [line.moodle_type for line in exported.lines] == ["shortanswer", "match"]
    result = reimport(exported.content, fmt)
    assert result.skipped == []
    if fmt == "gift":
        assert exported.as_json()["losses"] == [
            {"where": "sepsis / bundle / aki", "type": "short_answer", "moodle_type": "shortanswer",
             "losses": [CASE_LOST, NO_TAGS]},
            {"where": "sepsis / bundle / metrics", "type": "matching", "moodle_type": "match", "losses": [NO_TAGS]}]
        del items[0]["key"]["case_sensitive"]
    else:
        assert exported.as_json()["losses"] == []
    [case] = result.cases
    assert [same(i) for i in case["items"]] == [same(i) for i in items]


def test_short_answer_is_moodle_shortanswer_with_grades_feedback_and_usecase():
    root = ElementTree.fromstring(export(package(SHORT), "moodle-xml").content)
    question = root.find("question[@type='shortanswer']")
    assert question.find("usecase").text == "1"
    answers = [(a.get("fraction"), a.find("text").text, a.find("feedback/text").text)
               for a in question.findall("answer")]
    assert answers == [("100", "acute kidney injury", "Right: = AKI, stage #2."), ("100", "AKI", None),
                       ("50", "*renal*", "Name the acute form.")]
    assert question.find("answer/feedback").get("format") == "markdown"


def test_short_answer_without_case_sensitivity_writes_usecase_0_and_gift_loses_no_case():
    entry = copy.deepcopy(SHORT)
    del entry["key"]["case_sensitive"]
    root = ElementTree.fromstring(export(package(entry), "moodle-xml").content)
    assert root.find("question[@type='shortanswer']/usecase").text == "0"
    assert export(package(entry), "gift").lines[0].losses == [NO_TAGS]


def test_gift_short_answer_writes_grades_feedback_and_wildcards_escaped():
    content = export(package(SHORT), "gift").content.decode()
    assert ("{\n\t=acute kidney injury#Right\\: \\= AKI, stage \\#2.\n\t=AKI\n"
            "\t=%50%*renal*#Name the acute form.\n\t####KDIGO\\: **stage 2**.\n}") in content


def test_short_answer_fraction_moodle_lacks_is_written_as_its_nearest_grade_and_reported():
    entry = item("s", "short_answer", key={"answers": [{"text": "AKI", "fraction": 1},
                                                       {"text": "renal", "fraction": 0.45}]})
    question = MAPPINGS["short_answer"](Source({}, {}, entry))
    assert [a.fraction for a in question.answers] == [100, 50]
    assert question.losses == ["grades Moodle does not offer were written as its nearest grades (renal: 45% → 50%)"]


def test_matching_is_moodle_match_with_a_subquestion_per_stem_and_an_empty_one_per_distractor():
    root = ElementTree.fromstring(export(package(MATCH), "moodle-xml").content)
    question = root.find("question[@type='match']")
    assert question.find("shuffleanswers").text == "0"
    subs = [(s.get("format"), s.find("text").text, s.find("answer/text").text) for s in question.findall("subquestion")]
    assert subs == [("markdown", "Sensitivity: the {true} positive rate", "TP / (TP + FN)"),
                    ("markdown", "Specificity = TN rate", "TN / (TN + FP)"),
                    ("markdown", None, "TP / (TP + FP) #PPV")]


def test_gift_matching_escapes_texts_but_not_the_arrow():
    content = export(package(MATCH), "gift").content.decode()
    assert ("{\n\t=Sensitivity\\: the \\{true\\} positive rate -> TP / (TP + FN)\n"
            "\t=Specificity \\= TN rate -> TN / (TN + FP)\n\t= -> TP / (TP + FP) \\#PPV\n") in content


def test_gift_writes_an_arrow_inside_a_text_as_a_unicode_arrow_and_says_so():
    spec, key = matching_spec([("A -> B", "one"), ("C", "two")], [])
    result = export(package(item("m", "matching", spec=spec, key=key)), "gift")
    assert any("written →" in loss for loss in result.lines[0].losses)
    [back] = reimport(result.content, "gift").cases[0]["items"]
    assert [s["text"] for s in back["spec"]["stems"]] == ["A → B", "C"]
