"""The item editor shows and saves what question banks carry besides the key proper: each
option's feedback, the options right as well, a numeric item's other answers and its right
value's feedback, hints, free tags and the ID number; each refusal names its field and row,
and nothing is written when one is refused. What the editor saves is what a package and a
Moodle XML export carry."""
import pytest
from django.urls import reverse

from courses.models import Item, ItemKey
from courses.packages.moodle_xml import parse_moodle_xml
from courses.packages.serialize import version_to_package
from courses.question_export import version_questions_export
from courses.rendering import MAX_MARKDOWN_CHARS
from tests.studio.test_authoring_pages import _add_case, draft, faculty, published, studio  # noqa: F401

pytestmark = pytest.mark.django_db

CHOICES = {"options-0-id": "a", "options-0-text": "Troponin", "options-1-id": "b", "options-1-text": "Lactate",
           "options-2-id": "c", "options-2-text": "Serum lactate", "options-3-text": ""}


def post_item(studio, case, item_type, item=None, **fields):
    data = {"type": item_type, "editor": "full", "prompt": "Which marker?", "competencies": ["APR"], **fields}
    url = (reverse("studio:item", args=[item.pk]) if item else
           reverse("studio:item-create", args=[case.pk]) + f"?type={item_type}")
    return studio.post(url, data)


def saved_key(case) -> dict:
    return ItemKey.objects.get(item__case=case).answer


@pytest.fixture
def case(draft, studio):  # noqa: F811
    return _add_case(studio, draft)


@pytest.fixture
def choice(case, studio):  # noqa: F811
    response = post_item(studio, case, "single_choice", **CHOICES, answer="1", **{
        "options-0-feedback": "Troponin rises *later*.", "options-1-feedback": "Yes.", "options-2-also_right": "on",
    }, **{"hints-0-text": "Think of the bundle.", "hints-1-text": "", "hints-2-text": "Which falls with fluids?",
          "tags": "sepsis\nweek   1\nsepsis", "idnumber": " SEP-001 "})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Item.objects.get(case=case)


def numeric_fields(**rows):
    return {"value": "2", "tolerance_abs": "0.1", "feedback": "Right: 2 mmol/L.", **rows}


# ---------------------------------------------------------------- each field saved


def test_a_single_choice_saves_each_option_s_feedback(case, choice):
    assert saved_key(case)["feedback"] == {"a": "Troponin rises *later*.", "b": "Yes."}


def test_a_single_choice_saves_the_options_right_as_well(case, choice):
    assert saved_key(case)["also_right"] == ["c"]


def test_ticking_the_right_answer_as_right_as_well_changes_nothing(case, studio):  # noqa: F811
    post_item(studio, case, "single_choice", **CHOICES, answer="1", **{"options-1-also_right": "on"})
    assert saved_key(case) == {"answer": "b"}


def test_a_multiple_choice_saves_each_option_s_feedback(case, studio):  # noqa: F811
    response = post_item(studio, case, "multiple_choice", **CHOICES, **{
        "options-1-correct": "on", "options-2-correct": "on", "options-0-feedback": "Not in the bundle.\r\nLater."})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert saved_key(case) == {"correct": ["b", "c"], "feedback": {"a": "Not in the bundle.\nLater."}}


def test_a_numeric_item_saves_its_right_value_s_feedback_and_its_other_answers(case, studio):  # noqa: F811
    response = post_item(studio, case, "numeric", **numeric_fields(**{
        "answers-0-value": "2,5", "answers-0-tolerance": "0.2", "answers-0-percent": "50",
        "answers-0-feedback": "Close.", "answers-1-value": "", "answers-1-tolerance": "", "answers-1-percent": "",
        "answers-1-feedback": "", "answers-2-value": "", "answers-2-percent": "", "answers-2-feedback": "Far off."}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert saved_key(case) == {"value": 2, "tolerance_abs": 0.1, "feedback": "Right: 2 mmol/L.", "answers": [
        {"value": 2.5, "tolerance_abs": 0.2, "fraction": 0.5, "feedback": "Close."},
        {"fraction": 0, "feedback": "Far off."},  # no value: any other number
    ]}


def test_a_short_answer_saves_each_accepted_answer_s_feedback(case, studio):  # noqa: F811
    post_item(studio, case, "short_answer", **{"answers-0-text": "lactate", "answers-0-feedback": "Yes.",
                                               "answers-1-text": "*lact*", "answers-1-percent": "50",
                                               "answers-1-feedback": "Spell it out."})
    assert [a.get("feedback") for a in saved_key(case)["answers"]] == ["Yes.", "Spell it out."]


def test_hints_are_saved_in_their_order_without_blank_rows(choice):
    assert choice.key.hints == ["Think of the bundle.", "Which falls with fluids?"]


def test_free_tags_are_saved_one_per_line_spaces_collapsed_each_once(choice):
    assert choice.tags == ["sepsis", "week 1"]


def test_the_id_number_is_saved_trimmed(choice):
    assert choice.idnumber == "SEP-001"


def test_the_editor_shows_every_saved_field_again(choice, studio):  # noqa: F811
    page = studio.get(reverse("studio:item", args=[choice.pk])).content.decode()
    for fragment in ('name="options-0-feedback"', ">Troponin rises *later*.</textarea>",
                     'name="options-2-also_right" checked', ">Think of the bundle.</textarea>",
                     ">Which falls with fluids?</textarea>", ">sepsis\nweek 1</textarea>", 'value="SEP-001"'):
        assert fragment in page, fragment


def test_the_editor_shows_a_numeric_item_s_other_answers_again(case, studio):  # noqa: F811
    post_item(studio, case, "numeric", **numeric_fields(**{"answers-0-value": "3", "answers-0-percent": "25",
                                                           "answers-0-feedback": "Too high."}))
    page = studio.get(reverse("studio:item", args=[Item.objects.get(case=case).pk])).content.decode()
    assert 'name="answers-0-value" value="3"' in page and 'name="answers-0-percent" value="25"' in page
    assert ">Too high.</textarea>" in page and ">Right: 2 mmol/L.</textarea>" in page


def test_emptying_the_fields_in_the_editor_removes_them(choice, studio, case):  # noqa: F811
    response = post_item(studio, case, "single_choice", item=choice, slug=choice.slug, **CHOICES, answer="1")
    assert response.status_code == 302, response.content.decode()[:3000]
    choice.refresh_from_db()
    assert (saved_key(case), choice.key.hints, choice.tags, choice.idnumber) == ({"answer": "b"}, [], [], "")


def test_a_form_without_these_fields_keeps_them(choice, studio, case):  # noqa: F811
    post = {"type": "single_choice", "slug": choice.slug, "prompt": "Which one?", "competencies": ["APR"],
            **CHOICES, "answer": "1"}
    assert studio.post(reverse("studio:item", args=[choice.pk]), post).status_code == 302
    choice.refresh_from_db()
    assert saved_key(case)["also_right"] == ["c"] and choice.key.hints[0] == "Think of the bundle."
    assert (choice.prompt, choice.tags, choice.idnumber) == ("Which one?", ["sepsis", "week 1"], "SEP-001")


# ---------------------------------------------------------------- refusals: field and row named, nothing written


def refused(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(("row", "message"), [
    ({"answers-1-tolerance": "a bit"}, "Other answer 2, tolerance</a>: must be a number"),
    ({"answers-1-value": "2.5.1"}, "Other answer 2, value</a>: must be a number"),
    ({"answers-1-percent": "half"}, "Other answer 2, marks</a>: must be a number"),
    ({"answers-1-percent": "150"}, "Other answer 2, marks</a>: must be from 0 to 100 (per cent of the marks)"),
    ({"answers-1-tolerance": "-1"}, "Other answer 2, tolerance</a>: must be at least 0"),
])
def test_a_numeric_other_answer_is_refused_naming_its_row_and_field(case, studio, row, message):  # noqa: F811
    page = refused(post_item(studio, case, "numeric", **numeric_fields(**{
        "answers-0-value": "3", "answers-0-percent": "25", "answers-1-value": "4", **row})))
    assert message in page
    assert not Item.objects.filter(case=case).exists()


def test_the_refused_field_is_marked_invalid_and_points_at_its_message(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "numeric", **numeric_fields(**{"answers-0-tolerance": "a bit"})))
    assert 'aria-invalid="true" aria-describedby="answers-0-tolerance-errors"' in page
    assert '<ul class="errorlist" id="answers-0-tolerance-errors"><li>must be a number</li>' in page
    assert '<a href="#answers-0-tolerance">Other answer 1, tolerance</a>' in page
    assert 'name="answers-0-tolerance" value="a bit"' in page  # what the author typed is kept


def test_an_option_feedback_over_the_length_limit_is_refused_at_its_option(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "single_choice", **CHOICES, answer="1",
                             **{"options-2-feedback": "x" * (MAX_MARKDOWN_CHARS + 1)}))
    assert f"Option c, feedback</a>: is {MAX_MARKDOWN_CHARS + 1} characters long" in page and 'aria-describedby="options-2-feedback-errors"' in page


def test_feedback_on_an_option_without_text_is_refused_not_dropped(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "multiple_choice", **CHOICES, **{
        "options-0-correct": "on", "options-3-feedback": "Orphan feedback."}))
    assert "Option 4, text</a>: must not be empty" in page


def test_a_hint_that_cannot_be_stored_is_refused_naming_it(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "single_choice", **CHOICES, answer="1",
                             **{"hints-0-text": "Fine.", "hints-1-text": "Nul\x00 here."}))
    assert '<a href="#hints-1-text">Hint 2</a>: contains the character U+0000' in page


def test_a_hint_showing_a_missing_image_is_refused_naming_it(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "single_choice", **CHOICES, answer="1",
                             **{"hints-0-text": "See ![scan](media/none.png)."}))
    assert "Hint 1</a>: no media file media/none.png in this version" in page


def test_a_tag_over_100_characters_is_refused_naming_it(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "single_choice", **CHOICES, answer="1", tags="ok\n" + "t" * 101))
    assert '<a href="#id_tags">Tag 2</a>: must be at most 100 characters long' in page
    assert '<ul class="errorlist" id="id_tags-errors"><li>Tag 2: must be at most 100 characters long</li>' in page


def test_an_id_number_over_100_characters_is_refused(case, studio):  # noqa: F811
    page = refused(post_item(studio, case, "single_choice", **CHOICES, answer="1", idnumber="n" * 101))
    assert '<a href="#id_idnumber">ID number</a>: must be at most 100 characters long' in page


def test_a_refused_edit_writes_nothing(choice, studio, case):  # noqa: F811
    before = (version_to_package(choice.case.module.version), saved_key(case))
    refused(post_item(studio, case, "single_choice", item=choice, slug=choice.slug, prompt="Changed?", **CHOICES,
                      answer="0", **{"options-1-feedback": "New.", "hints-0-text": "New hint.", "tags": "new",
                                     "idnumber": "n" * 101}))
    assert (version_to_package(choice.case.module.version), saved_key(case)) == before


def test_the_same_id_number_twice_in_a_course_is_accepted_as_on_import(choice, studio, case):  # noqa: F811
    response = post_item(studio, case, "single_choice", **CHOICES, answer="0", idnumber="SEP-001")
    assert response.status_code == 302
    assert list(Item.objects.filter(case=case).values_list("idnumber", flat=True)) == ["SEP-001", "SEP-001"]


# ---------------------------------------------------------------- round trip


def test_a_package_export_carries_what_the_editor_saved(choice, draft):  # noqa: F811
    item = version_to_package(draft)["modules"][0]["cases"][-1]["items"][0]
    assert (item["key"], item["hints"], item["tags"], item["idnumber"]) == (
        {"answer": "b", "also_right": ["c"], "feedback": {"a": "Troponin rises *later*.", "b": "Yes."}},
        ["Think of the bundle.", "Which falls with fluids?"], ["sepsis", "week 1"], "SEP-001")


def test_a_moodle_xml_export_carries_what_the_editor_saved_back(choice, draft, case, studio):  # noqa: F811
    post_item(studio, case, "numeric", **numeric_fields(**{"answers-0-value": "3", "answers-0-tolerance": "0.5",
                                                           "answers-0-percent": "25", "answers-0-feedback": "High."}))
    content = version_questions_export(version=draft, fmt="moodle-xml", module=case.module.slug).content
    back = {i["slug"]: i for c in parse_moodle_xml(content, source_name="back.xml", competency="APR").cases
            for i in c["items"]}
    package = {i["slug"]: i for i in version_to_package(draft)["modules"][0]["cases"][-1]["items"]}
    keep = ("key", "hints", "tags", "idnumber")
    assert {s: {k: back[s].get(k) for k in keep} for s in package} == {
        s: {k: i.get(k) for k in keep} for s, i in package.items()}


# ---------------------------------------------------------------- the key fix of a published item


def test_the_key_fix_shows_the_grading_fields_only_and_keeps_the_others(published, studio):  # noqa: F811
    item = Item.objects.get(case__module__version=published, slug="ppv")
    others = [{"value": 9, "tolerance_abs": 1, "fraction": 0.5, "feedback": "Close."}]
    ItemKey.objects.filter(item=item).update(answer={**item.key.answer, "feedback": "Right.", "answers": others},
                                             hints=["Bayes."])
    page = studio.get(reverse("studio:key-fix", args=[item.pk])).content.decode()
    assert 'name="answers-0-value"' not in page and 'name="feedback"' not in page
    response = studio.post(reverse("studio:key-fix", args=[item.pk]), {
        "type": "numeric", "reason": "The PPV is 9.3%.", "value": "9.3", "tolerance_abs": "0.5"})
    assert response.status_code == 302, response.content.decode()[:2000]
    key = ItemKey.objects.get(item=item)
    assert (key.answer, key.hints) == ({"value": 9.3, "tolerance_abs": 0.5, "feedback": "Right.", "answers": others},
                                       ["Bayes."])


def test_a_package_exported_and_imported_again_gives_back_what_the_editor_saved(draft, studio, faculty, tmp_path):  # noqa: F811
    import yaml

    from courses.packages.exporter import course_package_export
    from courses.services import course_package_import

    item = Item.objects.get(case__module__version=draft, slug="which-lobe")
    response = post_item(studio, item.case, "single_choice", item=item, slug=item.slug, artifact=str(item.artifact_id),
                         prompt=item.prompt, competencies=["VER"], **{
                             "options-0-id": "rul", "options-0-text": "Right upper lobe",
                             "options-0-feedback": "Look *lower*.", "options-1-id": "rll",
                             "options-1-text": "Right lower lobe", "options-2-id": "rml", "options-2-text": "Middle lobe",
                             "options-2-also_right": "on", "answer": "1", "certainty": "on",
                             "hints-0-text": "Count the ribs.", "tags": "imaging\nweek 2", "idnumber": "CXR-7"})
    assert response.status_code == 302, response.content.decode()[:3000]
    course_package_export(course=draft.course, path=tmp_path, version=draft)
    document = yaml.safe_load((tmp_path / "course.yaml").read_text(encoding="utf-8"))
    document["slug"] = "mini-course-again"
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    again = course_package_import(path=tmp_path, user=faculty)

    def which_lobe(version):
        return next(i for m in version_to_package(version)["modules"] for c in m["cases"] for i in c["items"]
                    if i["slug"] == "which-lobe")

    assert which_lobe(again) == which_lobe(draft)
    assert (which_lobe(again)["key"], which_lobe(again)["hints"], which_lobe(again)["tags"],
            which_lobe(again)["idnumber"]) == ({"answer": "rll", "also_right": ["rml"], "feedback": {"rul": "Look *lower*."}},
                                               ["Count the ribs."], ["imaging", "week 2"], "CXR-7")


def test_a_gift_export_carries_the_accepted_answers_feedback_the_editor_saved(case, draft, studio):  # noqa: F811
    from courses.packages.gift import parse_gift

    post_item(studio, case, "short_answer", **{"answers-0-text": "lactate", "answers-0-feedback": "Yes.",
                                               "answers-1-text": "*lact*", "answers-1-percent": "50",
                                               "answers-1-feedback": "Spell it out."})
    content = version_questions_export(version=draft, fmt="gift", module=case.module.slug).content
    back = [i for c in parse_gift(content, source_name="back.gift", competency="APR").cases for i in c["items"]]
    assert [i["key"] for i in back if i["type"] == "short_answer"] == [saved_key(case)]
