"""Filter forms and the context every cohort page shares (access checks: ``cohorts.access``)."""
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course

from schools.models import Cohort
from schools.selectors import staff_cohort_list
from training.validators import day_in_range
from ..selectors.dashboard import CohortCourse, cohort_courses

PAGE_SIZE = 50


def page_context(request: HttpRequest, cohort: Cohort, tab: str, **extra) -> dict:
    return {"cohort": cohort, "tab": tab, "cohort_choices": staff_cohort_list(user=request.user), **extra}


def course_choices(courses: list[CohortCourse]) -> list[tuple[str, str]]:
    return [("", _("All assigned courses"))] + [(str(c.course.pk), c.title) for c in courses]


def module_choices(courses: list[CohortCourse]) -> list[tuple[str, str]]:
    return [("", _("All modules"))] + [
        (f"{c.course.pk}:{m.slug}", f"{c.title} — {m.title}" if len(courses) > 1 else m.title)
        for c in courses for m in c.modules
    ]


class CourseFilter(forms.Form):
    """A course of the cohort (optional)."""

    course = forms.ChoiceField(label=gettext_lazy("Course"), required=False)

    def __init__(self, *args, courses: list[CohortCourse], **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = courses
        self.fields["course"].choices = course_choices(courses)

    def selected_course(self) -> Course | None:
        value = self.cleaned_data.get("course")
        return next((c.course for c in self.courses if str(c.course.pk) == value), None) if value else None


def split_module(value: str, courses: list[CohortCourse]) -> tuple[CohortCourse, str] | None:
    if not value:
        return None
    course_id, _sep, slug = value.partition(":")
    for c in courses:
        if str(c.course.pk) == course_id and any(m.slug == slug for m in c.modules):
            return c, slug
    return None


class DashboardFilter(CourseFilter):
    SHOW = (
        ("all", gettext_lazy("Everyone")),
        ("not_started", gettext_lazy("Not started")),
        ("overdue", gettext_lazy("Overdue")),
        ("struggling", gettext_lazy("Struggling")),
        ("completed", gettext_lazy("Completed")),
    )
    SORT = (
        ("name", gettext_lazy("Name")),
        ("score", gettext_lazy("Lowest mean score first")),
        ("activity", gettext_lazy("Longest inactive first")),
    )
    module = forms.ChoiceField(label=gettext_lazy("Module"), required=False)
    active_from = forms.DateField(label=gettext_lazy("Last activity from"), required=False,
                                  validators=[day_in_range], widget=forms.DateInput(attrs={"type": "date"}))
    active_to = forms.DateField(label=gettext_lazy("Last activity to"), required=False,
                                validators=[day_in_range], widget=forms.DateInput(attrs={"type": "date"}))
    show = forms.ChoiceField(label=gettext_lazy("Show"), choices=SHOW, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORT, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, courses: list[CohortCourse], **kwargs):
        super().__init__(*args, courses=courses, **kwargs)
        self.fields["module"].choices = module_choices(courses)

    def clean(self):
        data = super().clean()
        start, end = data.get("active_from"), data.get("active_to")
        if start and end and start > end:
            self.add_error("active_to", _("The end of the date range must not be before its start."))
        module = split_module(data.get("module") or "", self.courses)
        course = data.get("course")
        if module and course and str(module[0].course.pk) != course:
            self.add_error("module", _("This module is not part of the selected course."))
        return data

    def selected_module(self) -> tuple[CohortCourse, str] | None:
        return split_module(self.cleaned_data.get("module") or "", self.courses)


def courses_of(cohort: Cohort) -> list[CohortCourse]:
    return cohort_courses(cohort=cohort)
