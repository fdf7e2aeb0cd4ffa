"""The home page: the trainee's courses and where to continue; a short landing otherwise."""
from django.shortcuts import render

from schools.selectors import trainee_assignments
from quizzes.selectors import trainee_home

from progress.charts import percent


def home(request):
    if not request.user.is_authenticated or not trainee_assignments(trainee=request.user).exists():
        return render(request, "home.html", {"trainee": False})
    data = trainee_home(trainee=request.user)
    for course in data["courses"]:
        for summary in course.modules:
            summary.mean_text = percent(summary.mean_score)
            summary.module_score_text = percent(summary.module_score)
    upcoming = None
    if data["resume"] is None:  # nothing open: suggest the first module not started yet
        upcoming = next((s.module for c in data["courses"] for s in c.modules if s.status == "not_started"), None)
    return render(request, "home.html", {"trainee": True, "upcoming": upcoming, **data})
