"""A key fixed in one version, offered for the same item in the course's other versions: the
twins listed and qualified, fixed at once (all or nothing), and the studio page and the
regrade jobs that follow."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import AuditEvent, Role
from courses.models import CourseVersion, Item, ItemKey
from courses.services import course_version_create_draft, course_version_withdraw
from quizzes import regrade, services
from quizzes.key_twins import item_key_twins
from quizzes.models import KeyFix, RegradeJob
from tests.factories import ArtifactFactory, CaseFactory, ItemFactory, MembershipFactory, UserFactory, assigned_module
from training.errors import ApplicationError, Conflict

pytestmark = pytest.mark.django_db

FIXED = {"answer": "a"}  # every test fixes the key "b" to "a"


@pytest.fixture
def author(db):
    user = MembershipFactory(role=Role.FACULTY).user
    user.save(update_fields=["password"])
    return user


def course_versions(author, answers: list[list[str]], *, draft: bool = False) -> list[Item]:
    """A single-choice item (key "b", about an AI note) in ``len(answers)`` published versions of
    one course owned by ``author``; version n is answered and graded once per answer in
    ``answers[n - 1]`` by its own trainees. The items are returned by version, oldest first."""
    trainees = [UserFactory() for _ in range(sum(map(len, answers)))]
    module = assigned_module(*trainees)
    trainees = iter(trainees)
    course = module.version.course
    course.owner = author
    course.save()
    case = CaseFactory(module=module, slug="note")
    items = [ItemFactory(case=case, slug="which", artifact=ArtifactFactory(case=case))]
    for number, version_answers in enumerate(answers, start=1):
        if number > 1:
            version = course_version_create_draft(course=course, user=author)
            CourseVersion.objects.filter(pk=version.pk).update(status="published", published_at=timezone.now())
            items.append(Item.objects.get(case__module__version=version, slug="which"))
        for answer in version_answers:
            attempt = services.attempt_start(trainee=next(trainees), module=items[-1].case.module)
            response, _created = services.response_submit(attempt=attempt, item=items[-1], answer={"answer": answer})
            services.response_grade(response_id=response.pk)
    if draft:
        course_version_create_draft(course=course, user=author)
    return items


def _loaded(item: Item) -> Item:
    return Item.objects.select_related("case__module__version").get(pk=item.pk)


def _key(item: Item):
    return ItemKey.objects.get(item=item).answer


def _key_changed(item):
    ItemKey.objects.filter(item=item).update(answer={"answer": "a"})


def _option_a_removed(item):
    Item.objects.filter(pk=item.pk).update(spec={"options": [{"id": "b", "text": "B"}, {"id": "c", "text": "C"}]})


def _running(item):
    RegradeJob.objects.create(item=item, status=RegradeJob.Status.RUNNING, reason="Check.", key_answer={"answer": "b"})


# --- the twins listed --------------------------------------------------------------------------

def test_the_twins_are_listed_with_their_version_key_and_graded_answers(author):
    v1, v2, v3, v4 = course_versions(author, [["a", "b"], ["a"], ["b", "b", "a"], ["a"]], draft=True)
    course_version_withdraw(version=v2.case.module.version, user=author)
    _key_changed(v2)  # fixed separately already
    _option_a_removed(v3)
    _running(v1)
    ItemFactory(slug="which")  # another course: no twin

    twins = item_key_twins(item=_loaded(v4), new_answer=FIXED)

    assert [(t.item.pk, t.version_number, t.version_status, t.graded) for t in twins] == [
        (v1.pk, 1, "published", 2), (v2.pk, 2, "withdrawn", 1), (v3.pk, 3, "published", 3),
    ]  # the item itself and the draft's copy are not listed
    assert [(t.same_old_key, t.regrade_running, bool(t.key_errors), t.qualifies) for t in twins] == [
        (True, True, False, False), (False, False, False, False), (True, False, True, False),
    ]
    assert "running" in twins[0].refusal and "changed separately" in twins[1].refusal
    assert "does not fit" in twins[2].refusal


def test_a_twin_with_the_old_key_qualifies_and_the_new_key_is_checked_only_when_given(author):
    v1, v2 = course_versions(author, [["a"], ["b"]])
    [twin] = item_key_twins(item=_loaded(v2))
    assert (twin.item.pk, twin.same_old_key, twin.key_errors, twin.qualifies, twin.refusal) == (v1.pk, True, None,
                                                                                                 True, "")
    [twin] = item_key_twins(item=_loaded(v2), new_answer={"answer": "zz"})
    assert "key.answer" in twin.key_errors and not twin.qualifies


@pytest.mark.parametrize("versions", [2, 4])
def test_the_twins_cost_two_queries_whatever_the_number_of_versions(author, django_assert_num_queries, versions):
    items = course_versions(author, [["a", "b"]] * versions, draft=True)
    latest = _loaded(items[-1])
    with django_assert_num_queries(2):  # the twins with their counts, the failure modes of their AI notes
        twins = item_key_twins(item=latest, old_answer={"answer": "b"}, new_answer=FIXED)
    assert len(twins) == versions - 1 and all(t.qualifies and t.graded == 2 for t in twins)


# --- fixing the twins too -----------------------------------------------------------------------

def test_a_chosen_twin_gets_its_own_fix_key_and_audit_record(author):
    v1, v2, v3 = course_versions(author, [["a", "b"], ["a"], ["b"]])
    dry_run = regrade.regrade_job_create(item=v1, user=author, reason="Check.")

    fix = regrade.item_key_fix(item=v3, new_answer=FIXED, reason="The key was swapped.", user=author,
                               also_fix=[v1.pk])

    assert KeyFix.objects.get(item=v3) == fix and fix.origin is None
    [twin_fix] = fix.twin_fixes.all()
    assert (twin_fix.item_id, twin_fix.old_answer, twin_fix.new_answer, twin_fix.reason, twin_fix.fixed_by) == (
        v1.pk, {"answer": "b"}, FIXED, "The key was swapped.", author)
    assert (_key(v1), _key(v2), _key(v3)) == (FIXED, {"answer": "b"}, FIXED)  # version 2 was not chosen
    assert RegradeJob.objects.get(pk=dry_run.pk).status == RegradeJob.Status.CANCELLED
    audit = AuditEvent.objects.get(action="item.key_fix", detail__item=v1.pk)
    assert (audit.actor, audit.detail["key_fix"], audit.detail["origin"], audit.detail["version"]) == (
        author, twin_fix.pk, fix.pk, 1)


@pytest.mark.parametrize("spoil, error, status, words", [
    (_key_changed, Conflict, 409, "changed separately"),
    (_option_a_removed, ApplicationError, 400, "does not fit"),
    (_running, Conflict, 409, "is running"),
])
def test_a_twin_that_cannot_take_the_fix_is_refused_by_version_and_nothing_changes(author, spoil, error, status,
                                                                                       words):
    v1, v2, v3 = course_versions(author, [["a"], ["b"], ["a"]])
    spoil(v2)
    dry_run = regrade.regrade_job_create(item=v3, user=author, reason="Check.")
    keys = [_key(v) for v in (v1, v2, v3)]

    with pytest.raises(error) as refused:
        regrade.item_key_fix(item=v3, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[v1.pk, v2.pk])

    assert refused.value.status_code == status and "Version 2" in refused.value.message and words in str(
        refused.value.errors["also_fix"])
    assert [_key(v) for v in (v1, v2, v3)] == keys  # the item itself and the good twin too
    assert not KeyFix.objects.exists() and not AuditEvent.objects.filter(action="item.key_fix").exists()
    assert RegradeJob.objects.get(pk=dry_run.pk).status == RegradeJob.Status.DRY_RUN


def test_an_item_that_is_no_twin_is_refused(author):
    v1, v2 = course_versions(author, [["a"], ["b"]], draft=True)
    draft_twin = Item.objects.get(case__module__version__status="draft", slug="which")
    for stranger in (ItemFactory(slug="which"), draft_twin, v2):
        with pytest.raises(ApplicationError) as refused:
            regrade.item_key_fix(item=v2, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[stranger.pk])
        assert refused.value.status_code == 400 and str(stranger.pk) in refused.value.message
    assert (_key(v1), _key(v2), _key(draft_twin)) == ({"answer": "b"},) * 3 and not KeyFix.objects.exists()


def test_the_draft_twin_is_still_fixed_with_the_main_item_only(author):
    v1, v2 = course_versions(author, [["a"], ["b"]], draft=True)
    draft_twin = Item.objects.get(case__module__version__status="draft", slug="which")

    fix = regrade.item_key_fix(item=v2, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[v1.pk])

    assert (fix.draft_item_id, fix.twin_fixes.get().draft_item_id) == (draft_twin.pk, None)
    assert (_key(v1), _key(v2), _key(draft_twin)) == (FIXED, FIXED, FIXED)


# --- the studio pages ---------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(answer_index: str, **more) -> dict:
    return {"options-0-id": "a", "options-0-text": "A", "options-1-id": "b", "options-1-text": "B",
            "answer": answer_index, "reason": "The key was swapped.", **more}


def test_the_key_fix_page_offers_each_twin_ticked_when_it_qualifies(author):
    v1, v2, v3 = course_versions(author, [["a", "b"], ["a"], ["b"]])
    _key_changed(v2)
    page = _client(author).get(reverse("studio:key-fix", args=[v3.pk])).content.decode()
    assert "Also fix version 1 (published, 2 graded answers)" in page
    assert f'value="{v1.pk}" checked>' in page
    assert "Also fix version 2 (published, 1 graded answer)" in page
    assert f'value="{v2.pk}" disabled aria-describedby="twin-{v2.pk}-why"' in page
    assert "Its key is not the one being fixed" in page


def test_fixing_a_key_and_a_twin_in_the_studio_opens_a_regrade_for_each(author):
    v1, v2 = course_versions(author, [["a", "b"], ["a"]])
    client = _client(author)
    response = client.post(reverse("studio:key-fix", args=[v2.pk]), _form("0", also_fix=[str(v1.pk)]))
    fix = KeyFix.objects.get(item=v2)
    assert response.status_code == 302 and response.url == reverse("studio:key-fix-jobs", args=[fix.pk])
    jobs = {job.item_id: job for job in RegradeJob.objects.all()}
    assert set(jobs) == {v1.pk, v2.pk} and jobs[v1.pk].key_fix.origin == fix and jobs[v2.pk].key_fix == fix
    regrade.regrade_job_dry_run(job_id=jobs[v1.pk].pk)  # what the worker does after the commit

    page = client.get(response.url).content.decode()

    assert "The key was fixed in 2 versions." in page
    assert "Version 1 (published)" in page and "Version 2 (published)" in page
    for job in jobs.values():
        assert reverse("studio:regrade-job", args=[job.pk]) in page
    assert "Dry run done; waiting for confirmation" in page and "Dry run in progress" in page


def test_a_twin_that_no_longer_fits_is_refused_on_the_page_and_nothing_changes(author):
    v1, v2 = course_versions(author, [["a"], ["b"]])
    _option_a_removed(v1)
    response = _client(author).post(reverse("studio:key-fix", args=[v2.pk]), _form("0", also_fix=[str(v1.pk)]))
    page = response.content.decode()
    assert response.status_code == 400 and "Version 1 cannot take this fix" in page
    assert f'value="{v1.pk}" disabled' in page  # now that the new key is known
    assert (_key(v1), _key(v2)) == ({"answer": "b"},) * 2 and not RegradeJob.objects.exists()


def test_a_key_fix_without_twins_still_goes_straight_to_its_dry_run(author):
    [v1] = course_versions(author, [["a"]])
    response = _client(author).post(reverse("studio:key-fix", args=[v1.pk]), _form("0"))
    assert response.url == reverse("studio:regrade-job", args=[RegradeJob.objects.get(item=v1).pk])


def test_the_jobs_of_a_key_fix_are_shown_to_the_course_authors_only(author):
    v1, v2 = course_versions(author, [["a"], ["b"]])
    fix = regrade.item_key_fix(item=v2, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[v1.pk])
    stranger = MembershipFactory(role=Role.FACULTY).user
    stranger.save(update_fields=["password"])
    assert _client(stranger).get(reverse("studio:key-fix-jobs", args=[fix.pk])).status_code == 404
    assert _client(author).get(reverse("studio:key-fix-jobs", args=[fix.pk])).status_code == 200


def test_the_key_fix_page_says_a_withdrawn_version_is_withdrawn(author):
    v1, _v2 = course_versions(author, [["a"], ["b"]])
    CourseVersion.objects.filter(pk=v1.case.module.version_id).update(status=CourseVersion.Status.WITHDRAWN)
    page = _client(author).get(reverse("studio:key-fix", args=[v1.pk])).content.decode()
    assert "Version 1 is withdrawn and 1 answer was given" in page


def test_the_page_of_a_twin_s_fix_leads_to_the_original_fix(author):
    v1, v2 = course_versions(author, [["a"], ["b"]])
    fix = regrade.item_key_fix(item=v2, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[v1.pk])
    twin_fix = fix.twin_fixes.get()
    response = _client(author).get(reverse("studio:key-fix-jobs", args=[twin_fix.pk]))
    assert response.status_code == 302 and response.url == reverse("studio:key-fix-jobs", args=[fix.pk])


def test_the_item_page_of_a_twin_says_its_fix_repeats_another_version_s(author):
    v1, v2 = course_versions(author, [["a"], ["b"]])
    regrade.item_key_fix(item=v2, new_answer=FIXED, reason="Swapped.", user=author, also_fix=[v1.pk])
    page = _client(author).get(reverse("studio:item", args=[v1.pk])).content.decode()
    assert "The same fix as in version 2." in page
