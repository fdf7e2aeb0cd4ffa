"""Simulated trainees answering the demo courses, whose reliance on the AI depends on their
training year as in the reader studies.

Dratsch et al. (Radiology 2023) gave radiologists mammograms with an AI suggestion that was
right or, unknown to them, wrong: inexperienced readers were right 79.7% of the time when the
AI was right and 19.8% when it was wrong; very experienced ones 82.3% and 45.5%. Each
simulated trainee draws their own accuracy around those figures for their training year
(years 1-2 inexperienced, 5-6 very experienced, 3-4 in between), so trainees differ but each
year follows the literature. Which reliance decisions a trainee gets right is planned for the
whole history at once (``reliance_plan``), not coin by coin, so that a cohort of a few
trainees per year already shows the pattern instead of the noise of a handful of decisions.

Answers are generated from the item's key (a simulator may peek) and submitted through the
real services, so every measure of the demo comes out of the real grading pipeline.
"""
import random
from dataclasses import dataclass

from courses.models import Item
from quizzes.graders.free_text import matches

# Accuracy of the final answer when the AI output is right and when it is wrong.
INEXPERIENCED = (0.797, 0.198)  # Dratsch et al. 2023, inexperienced readers
VERY_EXPERIENCED = (0.823, 0.455)  # Dratsch et al. 2023, very experienced readers
YEARS = range(1, 7)


@dataclass(frozen=True)
class Profile:
    training_year: int
    accuracy_ai_right: float  # chance the final answer is right when the AI output is right
    accuracy_ai_wrong: float  # chance the trainee overrides a wrong AI output with the right answer
    skill: float  # chance of a right answer where the AI does not steer
    overconfidence: float  # added to the stated confidence


def year_targets(year: int) -> tuple[float, float]:
    """The accuracy (AI right, AI wrong) the trainees of a training year are drawn around:
    the literature's figures for years 1-2 and 5-6, a straight line between them for 3-4."""
    t = min(max((year - 2) / 3, 0.0), 1.0)
    return tuple(a + t * (b - a) for a, b in zip(INEXPERIENCED, VERY_EXPERIENCED))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def cohort_profiles(rng: random.Random, years: list[int]) -> list[Profile]:
    """One profile per trainee of the given training years, in their order. Each trainee's
    reliance differs from their year's (``year_targets``), the differences within a year
    summing to nothing: a year of five trainees shows the literature's figures, not the
    luck of five draws."""
    spread = {year: [(rng.gauss(0, 0.05), rng.gauss(0, 0.08)) for y in years if y == year] for year in set(years)}
    for year, draws in spread.items():
        mean_r, mean_w = (sum(d[k] for d in draws) / len(draws) for k in (0, 1))
        spread[year] = [(r - mean_r, w - mean_w) for r, w in draws]
    profiles = []
    for year in years:
        (right, wrong), (d_right, d_wrong) = year_targets(year), spread[year].pop()
        profiles.append(Profile(
            training_year=year,
            accuracy_ai_right=_clamp(right + d_right, 0.6, 0.97),
            accuracy_ai_wrong=_clamp(wrong + d_wrong, 0.03, 0.85),
            skill=_clamp(rng.gauss(0.5 + 0.06 * year, 0.05), 0.4, 0.95),
            overconfidence=rng.gauss(20 - 4 * year, 5),
        ))
    return profiles


def _ai_correct(item: Item) -> bool:
    return item.spec["ai_answer"] == item.key.answer["answer"]


def _share(rng: random.Random, items: list[Item], p: float) -> set[int]:
    """A random ``p`` of the items (the count rounded at random, so it is ``p`` on average)."""
    exact = p * len(items)
    k = int(exact) + (rng.random() < exact - int(exact))
    return {item.pk for item in rng.sample(items, k)}


def reliance_plan(rng: random.Random, profile: Profile, items: list[Item]) -> set[int]:
    """The reliance decisions, among all those the trainee will answer, that they get right:
    their share of the ones where the AI is right, and of the ones where it is wrong."""
    decisions = [i for i in items if i.type == Item.Type.RELIANCE_DECISION]
    return (_share(rng, [i for i in decisions if _ai_correct(i)], profile.accuracy_ai_right)
            | _share(rng, [i for i in decisions if not _ai_correct(i)], profile.accuracy_ai_wrong))


def _options(spec: dict) -> list[str]:
    return [o["id"] for o in spec.get("options", [])]


def _other(rng: random.Random, options: list[str], *exclude: str) -> str:
    rest = [o for o in options if o not in exclude]
    return rng.choice(rest) if rest else options[0]


def unaided_answer(rng: random.Random, profile: Profile, item: Item, right_in_the_end: bool) -> dict:
    """The first answer to a decide-first decision, before the AI output. Who ends up right
    against a wrong AI was mostly right alone; some who end up wrong were right alone and
    switched to the AI (the switch matrix shows both)."""
    key = item.key.answer["answer"]
    if _ai_correct(item):
        p = profile.skill if right_in_the_end else 0.2
    else:
        p = 0.9 if right_in_the_end else profile.skill * 0.6
    right = rng.random() < p
    return {"answer": key if right else _other(rng, _options(item.spec), key)}


def _reliance_answer(rng: random.Random, profile: Profile, item: Item, initial: dict | None, right: bool) -> dict:
    spec, key = item.spec, item.key.answer["answer"]
    ai_answer, options = spec["ai_answer"], _options(spec)
    if right:
        answer: dict = {"decision": "accept"} if ai_answer == key else {"decision": "override", "answer": key}
    elif ai_answer == key:  # a right AI output overridden: the trainee's own answer, if it was wrong
        own = initial["answer"] if initial and initial["answer"] != key else _other(rng, options, key)
        answer = {"decision": "override", "answer": own}
    elif len(options) > 2 and rng.random() < 0.15:  # a wrong AI output overridden, but wrongly
        answer = {"decision": "override", "answer": _other(rng, options, key, ai_answer)}
    else:
        answer = {"decision": "accept"}
    if spec.get("ask_confidence"):
        discrimination = 2 * profile.training_year  # the experienced know better when they are right
        base = 62 + profile.overconfidence + (discrimination if right else -discrimination) + rng.randint(-15, 15)
        answer["confidence"] = round(_clamp(base, 0, 100))
    return answer


def final_answer(rng: random.Random, profile: Profile, item: Item, initial: dict | None = None,
                 right: bool | None = None, language: str = "en") -> dict:
    """One answer of the item's type, in the shape its grader validates; a reliance decision
    is right or wrong as ``right`` says (``reliance_plan``)."""
    spec, key = item.spec, item.key.answer
    rng_right = rng.random() < profile.skill
    kind = item.type
    if kind == Item.Type.RELIANCE_DECISION:
        return _reliance_answer(rng, profile, item, initial, rng_right if right is None else right)
    if kind == Item.Type.SINGLE_CHOICE:
        answer = {"answer": key["answer"] if rng_right else _other(rng, _options(spec), key["answer"])}
        if spec.get("certainty"):
            answer["certainty"] = rng.choice([2, 3] if profile.overconfidence > 10 else [1, 2, 3])
        return answer
    if kind == Item.Type.MULTIPLE_CHOICE:
        correct = set(key["correct"])
        ticked = [o for o in _options(spec) if (o in correct) == (rng.random() < profile.skill)]
        return {"answers": ticked}
    if kind == Item.Type.NUMERIC:
        value = float(key["value"])
        return {"value": value if rng_right else round(value * rng.choice([0.5, 1.5, 2.0, 10.0]), 2)}
    if kind == Item.Type.SCRIPT_CONCORDANCE:
        panel = {int(k): v for k, v in key["panel"].items()}
        modal = max(panel, key=panel.get)
        return {"value": modal if rng_right else rng.choice([-2, -1, 0, 1, 2])}
    if kind == Item.Type.FREE_TEXT:
        return free_text_answer(rng, profile, item, language=language)[0]
    if kind == Item.Type.ERROR_SPANS:
        return {"spans": _spans(rng, profile, item)}
    if kind == Item.Type.SHORT_ANSWER:
        accepted = [a["text"] for a in key["answers"] if a.get("fraction", 1) == 1 and "*" not in a["text"]]
        wrong = ["sensitivity", "specificity", "accuracy"] if language == "en" else ["sensibilité", "spécificité"]
        return {"text": rng.choice(accepted) if rng_right else rng.choice(wrong)}
    if kind == Item.Type.MATCHING:
        choices = [c["id"] for c in spec["choices"]]
        return {"pairs": {stem: (right_choice if rng.random() < profile.skill else _other(rng, choices, right_choice))
                          for stem, right_choice in key["pairs"].items()}}
    raise ValueError(f"unknown item type {kind}")


# --- free text: what the trainee writes, and the marks a teacher would give it -------------

_OPENINGS = {
    "en": ("The AI output should not be trusted here: {}.", "I would not act on this output as it stands: {}.",
           "What speaks against the output: {}."),
    "fr": ("Il ne faut pas se fier à cette sortie de l'IA : {}.", "Je n'agirais pas sur cette sortie telle quelle : {}.",
           "Ce qui va contre la sortie : {}."),
}
_IN_PASSING = {"en": "perhaps {}", "fr": "peut-être {}"}
_NOTHING = {"en": "unclear", "fr": "pas clair"}


def _misspelt(rng: random.Random, phrase: str) -> str:
    """The phrase with two neighbouring letters of its longest word swapped, as typed in a hurry."""
    words = phrase.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    swaps = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    if not swaps:
        return phrase
    i = rng.choice(swaps)
    words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return " ".join(words)


def free_text_answer(rng: random.Random, profile: Profile, item: Item, *, language: str) -> tuple[dict, dict[str, float]]:
    """A free-text answer and the points per criterion a teacher would award it.

    For each idea (a ``look_for`` group) the trainee makes with their skill, they mostly use
    one of the key's words (the suggestion credits it, and so does the teacher); some
    misspell it (the suggestion misses it, the teacher credits it); some drop it in passing
    without explaining it (the suggestion credits it, the teacher gives half). The teacher
    also rounds to half points and is a little more or less lenient now and then. So the
    suggestions and the confirmed marks agree mostly, not always, in both directions."""
    all_alternatives = [alt for c in item.key.answer.get("criteria", []) for g in c.get("look_for", []) for alt in g]
    parts: list[str] = []
    marks: dict[str, float] = {}
    for criterion in item.key.answer.get("criteria", []):
        groups = [g for g in criterion.get("look_for", []) if g]
        credit = 0.0
        for group in groups:
            if rng.random() >= profile.skill:
                continue
            phrase, style = rng.choice(group), rng.random()
            if style < 0.15:
                typo = _misspelt(rng, phrase)
                if not any(matches(typo, alt) for alt in all_alternatives):
                    parts.append(typo)
                    credit += 1.0
                    continue
            if style > 0.85:
                parts.append(_IN_PASSING[language].format(phrase))
                credit += 0.5
            else:
                parts.append(phrase)
                credit += 1.0
        points = criterion["points"]
        awarded = points * credit / len(groups) if groups else 0.0
        if rng.random() < 0.15:
            awarded += rng.choice([-0.5, 0.5])
        marks[criterion["id"]] = _clamp(round(awarded * 2) / 2, 0, points)
    text = rng.choice(_OPENINGS[language]).format(", ".join(parts or [_NOTHING[language]]))
    return {"text": text}, marks


def _spans(rng: random.Random, profile: Profile, item: Item) -> list[dict]:
    text = item.artifact.content["text"]
    labelled = item.spec.get("labels_required", False)
    spans = []
    for s in item.key.answer.get("spans", []):
        if rng.random() < profile.skill:
            span = {"start": s["start"], "end": s["end"]}
            if labelled:
                span["label"] = s["failure_mode"] if rng.random() < profile.skill else "OMI"
            spans.append(span)
    if rng.random() > profile.skill and len(text) > 40:
        start = rng.randrange(0, len(text) - 20)
        covered = any(s["start"] < start + 15 and start < s["end"] for s in spans)
        if not covered:
            span = {"start": start, "end": start + 15}
            if labelled:
                span["label"] = "HAL"
            spans.append(span)
    return spans
