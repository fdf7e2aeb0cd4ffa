"""Assignment and Grade Services: a trainee's final module grade sent to the placed line item.

The outbox is ``ScorePassback``. ``passbacks_detect`` compares the grades of the read-model
(``progress.ModuleProgress``: only final grades count there, so a free-text answer counts once
faculty confirm it, and a regrade or a key fix moves it) with the rows, writes a pending row
for each grade that is new or changed, and enqueues its sending after commit. Grading never
waits for the LMS and writes nothing here: the beat runs the detection every minute, and
sends again the rows left pending (a broker outage, a killed worker, an LMS down past the
retries), so a grade is never lost. ``passback_send`` (the task) posts the score with an
access token got by the tool's signed client assertion, and marks the row sent or failed.
"""
from __future__ import annotations

import time
import uuid
from datetime import timedelta

import requests
from django.db.models import F
from django.utils import timezone

from courses.selectors import course_latest_published
from progress.models import ModuleProgress
from schools.models import Enrollment
from training.queue import enqueue_on_commit, publish_rollback_unsafe

from . import tool
from .models import LtiIdentity, Placement, ScorePassback

SEND_TASK = "lti.send_score_v1"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
HTTP_TIMEOUT = 10
RESEND_AFTER = timedelta(minutes=2)


class PlatformUnavailable(Exception):
    """The LMS did not answer, or answered 429/5xx: worth another try."""


class PlatformRefused(Exception):
    """The LMS answered 4xx: another try would get the same."""


# ---------------------------------------------------------------- what to send

def _final_scores(placement: Placement) -> dict[int, float]:
    """Trainee id → the final grade (0..1) of the placed module (a course: every module of
    its progress complete, the mean over them), for the cohort's trainees."""
    trainees = Enrollment.objects.filter(cohort_id=placement.context.cohort_id,
                                         role=Enrollment.CohortRole.TRAINEE).values("user_id")
    rows = ModuleProgress.objects.filter(course_id=placement.course_id, trainee_id__in=trainees, items_graded__gt=0)
    if placement.module_slug:
        return {t: s / g for t, s, g in rows.filter(module_slug=placement.module_slug, completed_at__isnull=False)
                .values_list("trainee_id", "score_sum", "items_graded")}
    version = course_latest_published(course=placement.course)
    n_modules = version.modules.count() if version else 0
    sums: dict[int, list[float]] = {}
    for t, score_sum, graded, done in rows.values_list("trainee_id", "score_sum", "items_graded", "completed_at"):
        acc = sums.setdefault(t, [0.0, 0, 0])
        acc[0], acc[1], acc[2] = acc[0] + score_sum, acc[1] + graded, acc[2] + (done is not None)
    return {t: s / g for t, (s, g, done) in sums.items() if n_modules and done >= n_modules and g}


def passbacks_detect() -> int:
    """Write a pending row for every final grade new or changed since it was last queued, and
    enqueue each after commit (the caller's transaction). Returns how many."""
    now, queued = timezone.now(), 0
    for placement in (Placement.objects.select_related("context", "course").exclude(lineitem_url="")
                      .filter(removed_at__isnull=True, context__platform__is_active=True)):
        kept = {p.trainee_id: p for p in ScorePassback.objects.filter(placement=placement)}
        for trainee_id, score in _final_scores(placement).items():
            row = kept.get(trainee_id)
            if row is not None and abs(row.score - score) < 1e-9:
                continue
            if row is None:
                row = ScorePassback.objects.create(placement=placement, trainee_id=trainee_id, score=score,
                                                   changed_at=now)
            else:
                row.score, row.status, row.changed_at, row.last_error = score, ScorePassback.Status.PENDING, now, ""
                row.save(update_fields=["score", "status", "changed_at", "last_error"])
            enqueue_on_commit(SEND_TASK, row.pk)
            queued += 1
    return queued


def launch_state_purge() -> int:
    """Forget the login states past their expiry and the nonces of tokens long expired (a
    launch token lives minutes; its nonce is kept a day)."""
    from .models import LaunchState, UsedNonce

    now = timezone.now()
    gone, _by = LaunchState.objects.filter(expires_at__lt=now).delete()
    used, _by = UsedNonce.objects.filter(used_at__lt=now - timedelta(days=1)).delete()
    return gone + used


def passbacks_resend() -> list[int]:
    """Publish again the rows pending for a while (their message was lost or ran out of tries)."""
    ids = list(ScorePassback.objects.filter(status=ScorePassback.Status.PENDING,
                                            changed_at__lt=timezone.now() - RESEND_AFTER,
                                            placement__context__platform__is_active=True)
               .values_list("pk", flat=True))
    for pk in ids:
        publish_rollback_unsafe(SEND_TASK, pk)
    return ids


# ---------------------------------------------------------------- talking to the LMS

def access_token(platform, scopes: list[str]) -> str:
    """A bearer token from the platform's token URL (client credentials, the tool's signed
    assertion as the secret: the IMS Security Framework)."""
    now = int(time.time())
    assertion = tool.sign_jwt({"iss": platform.client_id, "sub": platform.client_id, "aud": platform.auth_token_url,
                               "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}, platform.school_id)
    answer = _http("post", platform.auth_token_url, data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion, "scope": " ".join(scopes)})
    return answer.json()["access_token"]


def _http(method: str, url: str, **kwargs) -> requests.Response:
    try:
        answer = requests.request(method, url, timeout=HTTP_TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise PlatformUnavailable(f"{type(exc).__name__} calling the LMS") from exc
    if answer.status_code == 429 or answer.status_code >= 500:
        raise PlatformUnavailable(f"the LMS answered {answer.status_code}")
    if answer.status_code >= 400:
        raise PlatformRefused(f"the LMS answered {answer.status_code}: {answer.text[:200]}")
    return answer


def _scores_url(lineitem_url: str) -> str:
    path, _q, query = lineitem_url.partition("?")
    return path.rstrip("/") + "/scores" + (f"?{query}" if query else "")


def passback_send(*, passback_id: int) -> ScorePassback | None:
    """Send one row's score (an already-sent row is left alone). The LMS's answer is kept on
    the row: sent, or the error and the try count; a transient error is raised for a retry."""
    row = (ScorePassback.objects.select_related("placement__context__platform", "trainee")
           .filter(pk=passback_id).first())
    if row is None or row.status in (ScorePassback.Status.SENT, ScorePassback.Status.STOPPED):
        return row
    placement = row.placement
    platform = placement.context.platform
    if placement.removed_at is not None:  # removed while the message was queued
        ScorePassback.objects.filter(pk=row.pk).exclude(status=ScorePassback.Status.SENT).update(
            status=ScorePassback.Status.STOPPED)
        row.refresh_from_db()
        return row
    if not platform.is_active:  # deactivated: left pending, sent by the sweep once reactivated
        return row
    identity = LtiIdentity.objects.filter(platform=platform, user=row.trainee).first()
    ScorePassback.objects.filter(pk=row.pk).update(tries=F("tries") + 1)
    if identity is None:
        raise PlatformRefused("the trainee has no account at this LMS (never launched from it)")
    score = row.score
    try:
        token = access_token(platform, [SCORE_SCOPE])
        _http("post", _scores_url(placement.lineitem_url), json={
            "userId": identity.sub, "scoreGiven": round(score * 100, 4), "scoreMaximum": 100,
            "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "timestamp": timezone.now().isoformat(timespec="milliseconds"),
        }, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.ims.lis.v1.score+json"})
    except PlatformUnavailable as exc:
        ScorePassback.objects.filter(pk=row.pk).update(last_error=str(exc)[:500])
        raise
    # Sent: unless the grade changed meanwhile (then the row stays pending for the new score).
    ScorePassback.objects.filter(pk=row.pk, score=score).exclude(status=ScorePassback.Status.STOPPED).update(
        status=ScorePassback.Status.SENT, sent_score=score, sent_at=timezone.now(), last_error="")
    row.refresh_from_db()
    return row


def passback_mark_failed(*, passback_id: int, reason: str) -> None:
    ScorePassback.objects.filter(pk=passback_id).exclude(
        status__in=(ScorePassback.Status.SENT, ScorePassback.Status.STOPPED)).update(
        status=ScorePassback.Status.FAILED, last_error=reason[:500])
