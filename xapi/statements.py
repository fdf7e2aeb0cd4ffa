"""The xAPI 1.0.3 statements Vigil sends, built from values already read (no query, no clock).

Every statement has a deterministic id (``statement_id``: a UUID v5 of what it reports), so
building it again gives the same statement, which the outbox and the LRS keep once.

What a statement may say is bounded by what the trainee may see (docs/xapi.md):

- an ``answered`` statement is built once the final answer is graded; the decide-first AI
  output is in it (the trainee saw it after their unaided answer, which is in it too);
- the score, the success and whether the AI output was right are in it only when the
  trainee's feedback is due (``quizzes.selectors.feedback_is_due``); otherwise they follow
  in a ``scored`` statement when it becomes due. No statement carries the key, the
  ``correctResponsesPattern`` or the rationale.
"""
import hashlib
import hmac
import json
import uuid
from datetime import datetime

XAPI_VERSION = "1.0.3"
# The profile's IRIs (docs/xapi.md, docs/xapi-profile.jsonld).
PROFILE = "https://vigil.invalid/xapi/profile"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, PROFILE)
EXT = PROFILE + "/extensions/"
EXT_UNAIDED_ANSWER = EXT + "unaided-answer"
EXT_AI_OUTPUT = EXT + "ai-output"
EXT_DECISION = EXT + "decision"
EXT_CONFIDENCE = EXT + "confidence"
EXT_AI_CORRECT = EXT + "ai-correct"
EXT_ITEM_TYPE = EXT + "item-type"
EXT_ATTESTATION_CODE = EXT + "attestation-code"

VERBS = {
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    "scored": ("http://adlnet.gov/expapi/verbs/scored", "scored"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned"),
    "voided": ("http://adlnet.gov/expapi/verbs/voided", "voided"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "attestation": "https://w3id.org/xapi/acrossx/activities/certificate",
}
# Vigil's item types as cmi.interaction interaction types.
INTERACTION_TYPES = {
    "single_choice": "choice",
    "multiple_choice": "choice",
    "reliance_decision": "choice",
    "numeric": "numeric",
    "free_text": "long-fill-in",
    "script_concordance": "likert",
    "error_spans": "other",
}
CHOICE_TYPES = {"single_choice", "multiple_choice", "reliance_decision"}


def statement_id(scope: str, kind: str, *key) -> str:
    """The id of the statement reporting ``kind`` of the row(s) ``key``: the same every time.
    ``scope`` is the school's own random key (``LrsSettings.pseudonym_key``), so the ids of two
    schools, or of two Vigil databases sending to one LRS, never meet."""
    return str(uuid.uuid5(NAMESPACE, ":".join([scope, kind, *map(str, key)])))


def pseudonym(*, key: str, user_id: int) -> str:
    """A stable code for a person within one school (HMAC-SHA256 of the user id with the
    school's own key): the same in every statement, unlinkable across schools."""
    return hmac.new(key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


def actor(*, home_page: str, name: str) -> dict:
    """A person as an xAPI Agent identified by an account: ``name`` in the system ``home_page``."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}


def vigil_agent(*, base: str) -> dict:
    """Vigil itself, the actor of its voiding statements (they name no trainee)."""
    return actor(home_page=base, name="vigil")


def _time(at: datetime) -> str:
    return at.isoformat()


def _lang(text: str, language: str) -> dict:
    return {language: text[:200] or "-"}


def activity(*, base: str, kind: str, path: str, name: str, language: str, definition: dict | None = None) -> dict:
    return {
        "objectType": "Activity", "id": f"{base}/{path}",
        "definition": {"type": ACTIVITY_TYPES[kind], "name": _lang(name, language), **(definition or {})},
    }


def _statement(*, sid: str, agent: dict, verb: str, obj: dict, timestamp: datetime, language: str,
               result: dict | None = None, context: dict | None = None) -> dict:
    verb_id, display = VERBS[verb]
    statement = {
        "id": sid, "version": XAPI_VERSION, "actor": agent,
        "verb": {"id": verb_id, "display": {"en-US": display}},
        "object": obj, "timestamp": _time(timestamp),
        "context": {"platform": "Vigil", "language": language, **(context or {})},
    }
    if result:
        statement["result"] = result
    return statement


def _registration(scope: str, attempt_id: int) -> str:
    return statement_id(scope, "attempt", attempt_id)


def attempt_started(*, scope: str, attempt_id: int, agent: dict, started_at: datetime, course: dict, module: dict,
                    language: str) -> dict:
    """The trainee opened an attempt at a module (``course``/``module``: activities)."""
    return _statement(
        sid=statement_id(scope, "attempted", attempt_id), agent=agent, verb="attempted", obj=module,
        timestamp=started_at, language=language,
        context={"registration": _registration(scope, attempt_id), "contextActivities": {"parent": [course]}},
    )


def interaction(*, base: str, item_id: int, item_type: str, prompt: str, spec: dict, language: str) -> dict:
    """An item as a cmi.interaction activity: its type and choices, never its key."""
    definition = {
        "interactionType": INTERACTION_TYPES.get(item_type, "other"),
        "extensions": {EXT_ITEM_TYPE: item_type},
    }
    options = spec.get("options") or []
    if item_type in CHOICE_TYPES and options:
        definition["choices"] = [
            {"id": str(o.get("id")), "description": _lang(str(o.get("text", o.get("id"))), language)}
            for o in options if isinstance(o, dict) and o.get("id") is not None
        ]
    return activity(base=base, kind="interaction", path=f"items/{item_id}", name=prompt, language=language,
                    definition=definition)


def response_text(*, item_type: str, answer, spec: dict | None = None) -> str:
    """The answer in the form of ``result.response`` for the interaction type (choices by id,
    several joined with ``[,]``); a shape without a plain form is compact JSON."""
    if isinstance(answer, dict):
        if item_type == "reliance_decision":
            chosen = (spec or {}).get("ai_answer") if answer.get("decision") == "accept" else answer.get("answer")
            return "" if chosen is None else str(chosen)
        if item_type == "single_choice" and "answer" in answer:
            return str(answer["answer"])
        if item_type == "multiple_choice" and isinstance(answer.get("answers"), list):
            return "[,]".join(str(c) for c in answer["answers"])
        if item_type == "numeric" and "value" in answer:
            return str(answer["value"])
        if item_type == "free_text" and "text" in answer:
            return str(answer["text"])
    return json.dumps(answer, sort_keys=True, separators=(",", ":"))


def reliance_extensions(*, answer: dict, initial_answer: dict | None, spec: dict, artifact_id: int | None,
                        artifact_kind: str | None) -> dict:
    """What a reliance decision adds (the profile's extensions): the unaided answer, the AI
    output shown, accepted or overridden, the stated confidence. Whether the AI was right
    is ``EXT_AI_CORRECT``, added only with the result (``result_part``)."""
    out = {
        EXT_AI_OUTPUT: {"artifact": artifact_id, "kind": artifact_kind, "answer": spec.get("ai_answer")},
        EXT_DECISION: answer.get("decision"),
    }
    unaided = (initial_answer or {}).get("answer")
    if unaided is not None:
        out[EXT_UNAIDED_ANSWER] = str(unaided)
    if answer.get("confidence") is not None:
        out[EXT_CONFIDENCE] = answer["confidence"]
    return out


def result_part(*, score: float, ai_correct: bool | None) -> dict:
    """The result a trainee's feedback shows: score, success, and whether the AI was right."""
    part = {"score": {"scaled": round(min(max(score, 0.0), 1.0), 6), "raw": round(score, 6), "min": 0, "max": 1},
            "success": score >= 1.0}
    if ai_correct is not None:
        part["extensions"] = {EXT_AI_CORRECT: ai_correct}
    return part


def _result_body(*, response: str, extensions: dict, result: dict | None) -> dict:
    """``result``: the response, the extensions and, when given, the score, success and
    whether the AI was right (``result_part``)."""
    body = {"response": response} if response else {}
    ext = dict(extensions)
    if result:
        body.update({k: v for k, v in result.items() if k != "extensions"})
        ext.update(result.get("extensions", {}))
    if ext:
        body["extensions"] = ext
    return body


def _item_context(scope: str, attempt_id: int, module: dict, course: dict, **more) -> dict:
    return {"registration": _registration(scope, attempt_id),
            "contextActivities": {"parent": [module], "grouping": [course]}, **more}


def _answered_ref(scope: str, response_id: int) -> dict:
    return {"objectType": "StatementRef", "id": statement_id(scope, "answered", response_id)}


def item_answered(*, scope: str, response_id: int, attempt_id: int, agent: dict, submitted_at: datetime, item: dict,
                  module: dict, course: dict, response: str, extensions: dict, language: str,
                  result: dict | None) -> dict:
    """The trainee's final answer to an item; ``result`` (``result_part``) only when their
    feedback is due."""
    return _statement(
        sid=statement_id(scope, "answered", response_id), agent=agent, verb="answered", obj=item,
        timestamp=submitted_at, language=language,
        result=_result_body(response=response, extensions=extensions, result=result),
        context=_item_context(scope, attempt_id, module, course),
    )


def result_released(*, scope: str, response_id: int, attempt_id: int, agent: dict, released_at: datetime, item: dict,
                    module: dict, course: dict, result: dict, language: str) -> dict:
    """The result of an answer sent earlier without it, once the trainee's feedback is due."""
    return _statement(
        sid=statement_id(scope, "scored", response_id), agent=agent, verb="scored", obj=item,
        timestamp=released_at, language=language, result=result,
        context=_item_context(scope, attempt_id, module, course, statement=_answered_ref(scope, response_id)),
    )


def result_revised(*, scope: str, response_id: int, revision: int, attempt_id: int, agent: dict,
                   revised_at: datetime, item: dict, module: dict, course: dict, response: str, extensions: dict,
                   result: dict, language: str) -> dict:
    """The new result of an answer after a regrade, a key or truth fix or a changed manual
    grade (``revision`` 1, 2, …: one id per revision, so a revision written twice is one
    statement). It repeats the response and the extensions, since the statement it replaces,
    voided, may be the ``answered`` one."""
    return _statement(
        sid=statement_id(scope, "scored", response_id, revision), agent=agent, verb="scored", obj=item,
        timestamp=revised_at, language=language,
        result=_result_body(response=response, extensions=extensions, result=result),
        context=_item_context(scope, attempt_id, module, course, statement=_answered_ref(scope, response_id)),
    )


def voiding(*, scope: str, voided_id: str, agent: dict, voided_at: datetime, language: str) -> dict:
    """The xAPI way to withdraw a statement sent before (its result superseded): the verb
    ``voided`` with the old statement as object. Its id follows from the voided one's."""
    statement = _statement(
        sid=statement_id(scope, "voided", voided_id), agent=agent, verb="voided",
        obj={"objectType": "StatementRef", "id": str(voided_id)}, timestamp=voided_at, language=language,
    )
    del statement["context"]["platform"]  # xAPI: only a statement about an activity has a platform
    return statement


def module_completed(*, scope: str, key: tuple, agent: dict, completed_at: datetime, module: dict, course: dict,
                     language: str) -> dict:
    """Every item of the module is graded (``progress.models.ModuleProgress.completed_at``)."""
    return _statement(
        sid=statement_id(scope, "completed", *key), agent=agent, verb="completed", obj=module,
        timestamp=completed_at, language=language, result={"completion": True},
        context={"contextActivities": {"parent": [course]}},
    )


def attestation_issued(*, scope: str, code: str, agent: dict, issued_at: datetime, attestation: dict, course: dict,
                       language: str) -> dict:
    """The trainee was issued an attestation of a course version they completed."""
    return _statement(
        sid=statement_id(scope, "earned", code), agent=agent, verb="earned", obj=attestation,
        timestamp=issued_at, language=language,
        context={"contextActivities": {"parent": [course]}, "extensions": {EXT_ATTESTATION_CODE: code}},
    )
