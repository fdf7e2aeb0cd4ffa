"""Simulated trainees answering the demo course, with varied reliance on the AI.

Each profile says how often a trainee accepts the AI when it is right and when it is
wrong, and how skilled they are otherwise; answers are generated from the item's key
(a simulator may peek) and submitted through the real services, so every measure of the
demo comes out of the real grading pipeline.
"""
import random
from dataclasses import dataclass

from courses.models import Item


@dataclass(frozen=True)
class Profile:
    name: str
    accept_when_ai_right: float
    accept_when_ai_wrong: float
    skill: float  # chance of a right answer where the AI does not steer
    overconfidence: float  # added to the stated confidence

PROFILES = (
    Profile("automation-prone", 0.95, 0.85, 0.55, 25),
    Profile("sceptical", 0.5, 0.3, 0.65, 5),
    Profile("calibrated", 0.9, 0.25, 0.8, 0),
    Profile("novice", 0.85, 0.7, 0.45, 15),
    Profile("expert", 0.92, 0.15, 0.9, -5),
)


def _options(spec: dict) -> list[str]:
    return [o["id"] for o in spec.get("options", [])]


def _other(rng: random.Random, options: list[str], *exclude: str) -> str:
    rest = [o for o in options if o not in exclude]
    return rng.choice(rest) if rest else options[0]


def unaided_answer(rng: random.Random, profile: Profile, item: Item) -> dict:
    key = item.key.answer["answer"]
    right = rng.random() < profile.skill
    return {"answer": key if right else _other(rng, _options(item.spec), key)}


def final_answer(rng: random.Random, profile: Profile, item: Item, initial: dict | None) -> dict:
    """One answer of the item's type, in the shape its grader validates."""
    spec, key = item.spec, item.key.answer
    rng_right = rng.random() < profile.skill
    kind = item.type
    if kind == Item.Type.RELIANCE_DECISION:
        ai_answer, right = spec["ai_answer"], key["answer"]
        ai_correct = ai_answer == right
        accept_p = profile.accept_when_ai_right if ai_correct else profile.accept_when_ai_wrong
        if initial and initial["answer"] == right and not ai_correct:
            accept_p *= 0.6  # a trainee who was right alone resists a wrong AI more often
        answer: dict = {"decision": "accept"} if rng.random() < accept_p else {
            "decision": "override",
            "answer": right if (not ai_correct and rng_right) else _other(rng, _options(spec), ai_answer),
        }
        if spec.get("ask_confidence"):
            base = 70 + profile.overconfidence + rng.randint(-20, 20)
            answer["confidence"] = max(0, min(100, base))
        return answer
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
        words = []
        for criterion in key.get("criteria", []):
            for group in criterion.get("look_for", []):
                if rng.random() < profile.skill and group:
                    words.append(group[0])
        return {"text": "The AI output should not be trusted here: " + ", ".join(words or ["unclear"]) + "."}
    if kind == Item.Type.ERROR_SPANS:
        return {"spans": _spans(rng, profile, item)}
    raise ValueError(f"unknown item type {kind}")


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
