"""Property tests of the cloze reader (courses.packages.cloze) and of the case it becomes
(courses.packages.cloze_items): generated cloze texts, escapes and all, read back gap by gap,
and become one item per gap with no gap syntax left in any text."""
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from courses.packages.cloze import GAP_START, SHORT, SINGLE, MULTIPLE, NUMERIC, KINDS, parse_cloze
from courses.packages.cloze_items import TextReader, cloze_case, is_cloze_text

TYPES = {kind: sorted(name for name, of in KINDS.items() if of == kind) for kind in (SINGLE, MULTIPLE, SHORT, NUMERIC)}
# Text between gaps: anything but braces and the backslash (a "{" could start a gap).
PROSE = st.text(st.characters(codec="utf-8", exclude_characters="{}\\\r…", exclude_categories=("Cs", "Cc")) | st.just("\n"),
                max_size=40)
# Answers and feedback: the three characters that must be escaped included; not starting with
# "=" or "%" (that would be a grade), no "&" (before "#" it makes an entity) and no backslash.
WORDS = st.text(st.sampled_from("abcxyz ÉéµαΩ0123456789.,;:!?()-/}~#"), min_size=1, max_size=12).filter(
    lambda text: text.strip() and text.strip()[0] not in "=%")


@dataclass
class Written:
    kind: str
    subtype: str
    weight: int | None
    answers: list[tuple[str, str, str]]  # (grade as written, text, feedback)

    def source(self) -> str:
        escape = lambda text: "".join("\\" + c if c in "}~#" else c for c in text)  # noqa: E731
        alternatives = "~".join(grade + escape(text) + (f"#{escape(feedback)}" if feedback else "")
                                for grade, text, feedback in self.answers)
        return f"{{{'' if self.weight is None else self.weight}:{self.subtype}:{alternatives}}}"


@st.composite
def gaps(draw, kind: str) -> Written:
    subtype = draw(st.sampled_from(TYPES[kind]))
    weight = draw(st.none() | st.integers(0, 9))
    feedback = st.just("") | WORDS
    if kind == NUMERIC:
        value = draw(st.decimals(-1000, 1000, places=2))
        tolerance = draw(st.none() | st.decimals(0, 10, places=1))
        right = f"{value}" + ("" if tolerance is None else f":{tolerance}")
        others = draw(st.lists(st.tuples(st.sampled_from(["", "%50%", "%0%"]), st.sampled_from(["1", "2.5", "*"]),
                                         feedback), max_size=2))
        return Written(kind, subtype, weight, [("=", right, draw(feedback)), *others])
    wrong = st.tuples(st.sampled_from(["", "%0%", "%-50%"] + (["%50%"] if kind != MULTIPLE else [])), WORDS, feedback)
    rights = draw(st.lists(st.tuples(st.just("="), WORDS, feedback), min_size=1,
                           max_size=1 if kind in (SINGLE, SHORT) else 3))
    wrongs = draw(st.lists(wrong, min_size=1 if kind != SHORT else 0, max_size=4))
    answers = draw(st.permutations(rights + wrongs))
    return Written(kind, subtype, weight, list(answers))


ANY_GAP = st.sampled_from([SINGLE, MULTIPLE, SHORT, NUMERIC]).flatmap(gaps)


@st.composite
def cloze_texts(draw) -> tuple[str, list[Written], list[str]]:
    written = draw(st.lists(ANY_GAP, min_size=1, max_size=6))
    prose = draw(st.lists(PROSE, min_size=len(written) + 1, max_size=len(written) + 1))
    text = prose[0] + "".join(gap.source() + after for gap, after in zip(written, prose[1:]))
    return text, written, prose


def all_texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for v in value.values() for text in all_texts(v)]
    if isinstance(value, list):
        return [text for v in value for text in all_texts(v)]
    return []


@settings(max_examples=150, deadline=None)
@given(cloze_texts())
def test_every_gap_is_read_back_with_its_type_weight_answers_and_feedback(generated):
    text, written, prose = generated
    gaps = parse_cloze(text).gaps
    assert [(gap.kind, gap.subtype, gap.weight) for gap in gaps] == [
        (w.kind, w.subtype, 1 if w.weight is None else w.weight) for w in written]
    for gap, w in zip(gaps, written):
        assert [(a.text, a.feedback.strip()) for a in gap.alternatives] == [
            (t.strip(), f.strip()) for _g, t, f in w.answers]
        assert [a.fraction for a in gap.alternatives] == [
            1.0 if g == "=" else (float(g.strip("%")) / 100 if g else 0.0) for g, _t, _f in w.answers]


@settings(max_examples=150, deadline=None)
@given(cloze_texts())
def test_the_text_between_the_gaps_is_kept_as_written(generated):
    text, _written, prose = generated
    assert [part for part in parse_cloze(text).parts if isinstance(part, str)] == [p for p in prose if p]


@settings(max_examples=150, deadline=None)
@given(cloze_texts())
def test_a_cloze_text_becomes_one_item_per_gap_with_no_gap_syntax_left(generated):
    text, written, _prose = generated
    made = cloze_case(text, title="Cloze", where="q", reader=TextReader(False), competency="VER")
    assert made.skipped == []
    assert [item["type"] for item in made.case["items"]] == [w.kind for w in written]
    texts = all_texts(made.case)
    assert not any(GAP_START.search(t) for t in texts)
    assert "{" not in made.case["vignette"] and not any("{" in item["prompt"] for item in made.case["items"])
    for number in range(1, len(written) + 1):
        assert f"({number})" in made.case["vignette"]


@settings(max_examples=100, deadline=None)
@given(cloze_texts(), st.lists(st.sampled_from(["REGEXP", "CALCULATED", "ORDERING"]), min_size=1, max_size=3))
def test_gaps_of_unknown_types_are_skipped_and_shown_as_a_blank(generated, unknown):
    text, written, _prose = generated
    text += " ".join(f"{{1:{name}:=x}}" for name in unknown)
    made = cloze_case(text, title="Cloze", where="q", reader=TextReader(False), competency="VER")
    assert len(made.case["items"]) == len(written)
    assert len(made.skipped) == len(unknown)
    assert made.case["vignette"].count("[…]") == len(unknown)
    assert not any(GAP_START.search(t) for t in all_texts(made.case))


@settings(max_examples=100, deadline=None)
@given(cloze_texts())
def test_a_generated_cloze_text_is_taken_for_cloze_not_gift(generated):
    assert is_cloze_text(generated[0])
