"""The module page (lessons, cases and their status) and starting or submitting an attempt."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.selectors import trainee_due_date
from courses.models import Module
from quizzes import services
from quizzes.access import trainee_attempt, trainee_module
from quizzes.models import Attempt
from quizzes.selectors import attempt_answer_count, next_case_to_answer, trainee_module_page
from training import admission
from training.errors import ApplicationError

from progress.charts import percent
from .presenters import feedback_policy_text, markdown_html


@login_required
def module_page(request, module_id: int):
    module = trainee_module(trainee=request.user, module_id=module_id)
    data = trainee_module_page(trainee=request.user, module=module)
    due = None
    if module.feedback_policy == Module.FeedbackPolicy.AFTER_DUE:
        due = trainee_due_date(trainee=request.user, course=module.version.course)
    attempt = data["attempt"]
    resume = next_case_to_answer(attempt=attempt) if attempt and attempt.status == Attempt.Status.OPEN else None
    for row in data["cases"]:
        row["score_text"] = percent(row["score"])
    for lesson in data["lessons"]:
        lesson.body_html = markdown_html(lesson.body, data["media"])
    return render(request, "quizzes/module.html", {
        **data, "module": module, "version": module.version, "resume": resume,
        "summary_html": markdown_html(module.summary, data["media"]), "policy_text": feedback_policy_text(module.feedback_policy, due),
        "unanswered": data["summary"].unanswered,
        "module_score_text": percent(data["summary"].module_score),
    })


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@login_required
@require_POST
def attempt_start(request, module_id: int):
    module = trainee_module(trainee=request.user, module_id=module_id)
    module_url = reverse("trainee-module", args=[module.pk])
    try:
        attempt = services.attempt_start(trainee=request.user, module=module)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(module_url)
    if attempt.module_id != module.pk:
        messages.warning(request, _("You have an attempt in progress on an earlier version of this module; "
                                    "finish and submit it first."))
        return redirect("trainee-module", attempt.module_id)
    target = next_case_to_answer(attempt=attempt)
    default = reverse("trainee-case", args=[target["case_id"]]) if target else module_url
    response = redirect(_safe_next(request, default))
    admission.mark_in_attempt(response)  # its module page goes through a saturated web from now on
    return response


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    """Submit the attempt; with questions still unanswered, first a page that says how many
    and asks to confirm (the form posts ``confirm=1``), so it works without JavaScript.
    The API's submit (``quizzes.apis.AttemptSubmitApi``) asks nothing: a client confirms."""
    attempt = trainee_attempt(trainee=request.user, attempt_id=attempt_id)
    if attempt.status == Attempt.Status.OPEN and request.POST.get("confirm") != "1":
        answered, total = attempt_answer_count(attempt=attempt)
        if answered < total:
            module = attempt.module
            return render(request, "quizzes/submit_confirm.html", {
                "attempt": attempt, "module": module, "version": module.version, "answered": answered,
                "total": total, "unanswered": total - answered, "resume": next_case_to_answer(attempt=attempt),
            })
    try:
        services.attempt_submit(attempt=attempt)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Module submitted. Answers still being graded will appear as they are graded."))
    return redirect("trainee-module", attempt.module_id)
