"""How sure a free-text suggestion is, and why: bare keyword lists, negated phrases and
answers copied from what the trainee was shown get a low-confidence suggestion worth at most
half of each criterion's points; the evidence names the phrase and its sentence."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.graders import free_text

CRITERIA = [
    {"id": "shortcut", "text": "Names the shortcut", "points": 4,
     "look_for": [["portable", "AP film"], ["shortcut", "confound"], ["heat map"], ["fever"]]},
    {"id": "action", "text": "Says what to do", "points": 4, "look_for": [["repeat", "PA film"], ["fever"]]},
]
PROMPT = "Look at the heat map of this portable film: is the model taking a shortcut through the fever chart?"


def grade(text, criteria=CRITERIA, shown=None, artifact=None):
    return free_text.grade({}, {"criteria": criteria}, {"text": text}, artifact, shown)


def level(result):
    return result.detail["confidence"]["level"]


def codes(result):
    return [r["code"] for r in result.detail["confidence"]["reasons"]]


def test_the_issues_list_of_keywords_gets_at_most_half_the_points():
    result = grade("portable, shortcut, heat map, fever, repeat")
    assert level(result) == "low" and "keyword_list" in codes(result)
    assert [c["uncapped"] for c in result.detail["criteria"]] == [4, 4]
    assert [c["suggested"] for c in result.detail["criteria"]] == [2, 2]
    assert result.score == 0.5


@pytest.mark.parametrize("text, listed", [
    ("portable, shortcut, heat map, fever…", True),
    ("Portable. Shortcut. Heat map.", True),
    ("Fitzpatrick V-VI gap.", True),
    ("The AI output should not be trusted here: darker skin, less accurate, grown, specialist, to be sure.", True),
    ("The AI output should not be trusted here: check, before, responsible, see your record, say no.", True),
    ("The model is wrong here: fever, cough, rash.", True),
    ("Poor on dark skin; refer.", False),
    ("The AI, trained on adults, fails on children, so refer.", False),
    ("Sensitivity, specificity, PPV and NPV were all lower in children.", False),
    ("We should check sodium, potassium, calcium, magnesium and phosphate before we start.", False),
    ("Look for: fever, cough, dyspnoea. Then the model, which was trained on adults only, needs an external "
     "validation before anyone relies on it in children.", False),
    ("Le modèle a appris sur des adultes : il faut le valider chez l'enfant avant de s'y fier.", False),
])
def test_what_counts_as_a_bare_list_of_keywords(text, listed):
    assert free_text.is_keyword_list(text) is listed


def test_a_reasoned_answer_with_every_phrase_is_sure_and_full():
    text = ("The heat map lights up the portable marker rather than the lungs, so the model uses a shortcut. "
            "It also reads the fever chart pinned to the film. I would repeat the film as a PA film before trusting it.")
    result = grade(text)
    assert level(result) == "high" and codes(result) == ["clear"]
    assert result.score == 1.0


def test_the_evidence_names_the_phrase_and_its_sentence():
    text = "The film is fine. The model uses a Shortcut here."
    row = grade(text).detail["criteria"][0]["evidence"][0]
    assert (row["phrase"], row["sentence"], row["negated"]) == ("Shortcut", 2, None)
    assert text[row["sentence_start"]:row["sentence_end"]] == "The model uses a Shortcut here."
    assert text[row["start"]:row["end"]] == "Shortcut"


@pytest.mark.parametrize("text, cue", [
    ("This is not a shortcut, and the film was taken standing up in the department.", "not"),
    ("The model doesn't use a shortcut at all in what it shows on this film today.", "doesn't"),
    ("There is no shortcut that I can see in what the model shows on this film.", "no"),
    ("Le modèle n'utilise pas de raccourci, il lit bien la radiographie de face (shortcut absent).", "absent"),
    ("Ce n'est pas un shortcut : le modèle lit correctement le cliché pris debout.", "pas"),
    ("Le modèle fonctionne sans shortcut visible sur ce cliché pris au lit du patient.", "sans"),
    ("Aucun shortcut n'apparaît dans ce que le modèle montre sur le cliché.", "aucun"),
])
def test_a_phrase_in_a_negated_clause_is_low_confidence(text, cue):
    result = grade(text)
    row = result.detail["criteria"][0]["evidence"][0]
    assert row["alternative"] == "shortcut" and row["negated"] == cue
    assert level(result) == "low" and "negated" in codes(result)


def test_a_negation_in_another_sentence_or_clause_does_not_count():
    text = "The film is not upright. The model uses a shortcut through the marker, and nothing else matters here."
    assert grade(text).detail["criteria"][0]["evidence"][0]["negated"] is None
    text = "The lungs are not what it reads, but the model uses a shortcut through the portable marker."
    assert grade(text).detail["criteria"][0]["evidence"][0]["negated"] is None


def test_an_affirmed_occurrence_is_preferred_to_a_negated_one():
    text = "It is not about the fever. It is about a shortcut: the fever chart pinned to the film."
    fever = {row["alternative"]: row for row in grade(text).detail["criteria"][0]["evidence"]}["fever"]
    assert (fever["sentence"], fever["negated"]) == (2, None)


def test_an_answer_copied_from_the_prompt_is_low_confidence():
    result = grade(PROMPT.upper(), shown={"prompt": PROMPT})
    assert level(result) == "low"
    reason = result.detail["confidence"]["reasons"][0]
    assert (reason["code"], reason["params"]) == ("copied", {"share": 100, "source": "prompt"})
    assert result.score <= 0.5


def test_an_answer_copied_from_the_ai_output_is_low_confidence():
    ai = "Portable AP film. Heat map over the fever chart. No shortcut detected by the model today."
    artifact = {"kind": "text", "content": {"text": ai}, "ground_truth": {"correct": False}}
    result = grade("Heat map over the fever chart. No shortcut detected by the model today.", artifact=artifact)
    copied = {r["code"]: r for r in result.detail["confidence"]["reasons"]}["copied"]
    assert copied["params"]["source"] == "artifact" and level(result) == "low"


def test_quoting_a_little_of_the_prompt_is_only_medium():
    text = ("Is the model taking a shortcut through the fever chart? Yes: the heat map sits on the portable "
            "marker. I would repeat the film.")
    result = grade(text, shown={"prompt": PROMPT})
    assert "partly_copied" in codes(result) and level(result) == "medium"


def test_a_short_answer_or_one_with_no_phrase_found_is_medium():
    assert codes(grade("The model uses a shortcut.")) == ["short"]
    result = grade("The algorithm latched onto a marker that only appears on films taken at the bedside, "
                   "which is exactly the kind of spurious cue that breaks when the setting changes.")
    assert codes(result) == ["nothing_found"] and level(result) == "medium"


def test_a_criterion_without_phrases_lowers_confidence_to_medium():
    criteria = [*CRITERIA, {"id": "tone", "text": "Writes clearly", "points": 1}]
    result = grade("The heat map lights up the portable marker, so the model uses a shortcut; it reads the fever "
                   "chart too, and I would repeat the film before trusting it.", criteria)
    assert codes(result) == ["no_phrases"]


# --- properties --------------------------------------------------------------------------------

letters = st.text(alphabet="bcdfghkmpqrstvwxz", min_size=2, max_size=9)  # no vowel: never a link word
keyword = st.lists(letters, min_size=1, max_size=2).map(" ".join)
separators = st.sampled_from([", ", ",", " ; ", "\n", "\n- ", " / ", " · "])
relaxed = settings(deadline=None, max_examples=150)


@st.composite
def keyword_lists(draw):
    words = draw(st.lists(keyword, min_size=1, max_size=10))
    separator = draw(separators)
    return separator.join(words) + draw(st.sampled_from(["", ".", "…", " etc"]))


@st.composite
def criteria_over(draw, text):
    """Criteria whose phrases are drawn from the text (so they match) or not."""
    words = text.replace(",", " ").split() or ["x"]
    return [
        {"id": f"c{i}", "text": "c", "points": draw(st.integers(1, 5)),
         "look_for": draw(st.lists(st.lists(st.sampled_from(words) | letters, min_size=1, max_size=2),
                                   min_size=1, max_size=3))}
        for i in range(draw(st.integers(1, 3)))
    ]


@relaxed
@given(data=st.data())
def test_any_bare_list_of_keywords_is_low_confidence_and_capped(data):
    text = data.draw(keyword_lists())
    assert free_text.is_keyword_list(text)
    criteria = data.draw(criteria_over(text))
    result = grade(text, criteria)
    assert level(result) == "low"
    for row, criterion in zip(result.detail["criteria"], criteria):
        assert row["suggested"] <= criterion["points"] * free_text.LOW_CAP


cues = st.sampled_from(["not", "no", "never", "without", "cannot", "isn't", "n'est", "pas", "jamais", "aucun",
                        "sans", "ni", "ne"])
fillers = st.lists(st.sampled_from(["a", "the", "clear", "real", "un", "de", "vrai", "type"]), max_size=3)


@relaxed
@given(cue=cues, before=fillers, phrase=letters, tail=st.lists(letters, min_size=3, max_size=6))
def test_a_cue_before_the_phrase_in_its_clause_negates_it(cue, before, phrase, tail):
    assume(not any(word.startswith(phrase) for word in tail))  # the phrase once, after the cue
    criteria = [{"id": "c", "text": "c", "points": 2, "look_for": [[phrase]]}]
    words = ["the", "model", "is", cue, *before, phrase, "and", *tail]
    result = grade(" ".join(words) + ".", criteria)
    assert result.detail["criteria"][0]["evidence"][0]["negated"] == cue
    assert level(result) == "low" and result.detail["criteria"][0]["suggested"] <= 1
    without = [w for w in words if w != cue]
    assert grade(" ".join(without) + ".", criteria).detail["criteria"][0]["evidence"][0]["negated"] is None


sentence = st.lists(letters | st.sampled_from(["the", "is", "of", "a"]), min_size=4, max_size=12).map(
    lambda ws: " ".join(ws).capitalize() + ".")


@relaxed
@given(sentences=st.lists(sentence, min_size=1, max_size=4), upper=st.booleans(),
       source=st.sampled_from(["prompt", "vignette"]))
def test_the_shown_text_repeated_is_low_confidence(sentences, upper, source):
    shown = " ".join(sentences)
    answer = ("\n".join(sentences)).upper() if upper else "  ".join(sentences)
    result = grade(answer, shown={source: shown})
    assert free_text.copied_share(answer, shown) == 1.0
    assert level(result) == "low" and "copied" in codes(result)


@relaxed
@given(text=st.text(max_size=200), criteria=st.data())
def test_evidence_points_at_the_phrase_in_its_sentence(text, criteria):
    criteria = criteria.draw(criteria_over(text))
    result = grade(text, criteria)
    for row, criterion in zip(result.detail["criteria"], criteria):
        assert row["suggested"] <= (row.get("uncapped") or row["suggested"]) <= criterion["points"]
        for found in row["evidence"]:
            assert text[found["start"]:found["end"]] == found["phrase"]
            assert free_text.matches(found["phrase"], found["alternative"])
            assert found["sentence_start"] <= found["start"] < found["sentence_end"]
        if level(result) == "low":
            assert row["suggested"] <= criterion["points"] * free_text.LOW_CAP


@relaxed
@given(text=st.text(max_size=300))
def test_folding_with_a_map_folds_like_the_whole_text(text):
    folded, origin = free_text._fold_with_map(text)
    assert folded == free_text._fold(text) and len(origin) == len(folded)
    assert origin == sorted(origin) and all(0 <= i < len(text) for i in origin)
