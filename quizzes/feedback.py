"""The grader's feedback in words: its sentences are stored as message ids with parameters
(graders are pure and know no language), translated here for the API, the trainee pages and
the studio preview alike."""
from django.utils.translation import gettext as _


def translate_feedback(lines: list[dict]) -> list[str]:
    """The sentences in the reader's language."""
    out = []
    for line in lines or []:
        message = _(line.get("message", ""))
        params = line.get("params") or {}
        out.append(message % params if params else message)
    return out


def grade_feedback(grade, *, due: bool) -> list[str]:
    """The grader's sentences about an answer, shown when the feedback is due: they say how
    the answer compares with the key and with the ground truth ("you overrode the AI output,
    but it was right"), so they wait for the module's feedback policy as the key does. The
    score does not wait. The API and the trainee pages both ask this."""
    return translate_feedback(grade.feedback) if due else []
