"""Filtering and ordering of the cohort pages' rows as the reader asks (``show`` and
``sort``): pure, on the selectors' output, shared by the pages and the API."""

DASHBOARD_SHOW = ("all", "not_started", "overdue", "struggling", "completed")
DASHBOARD_SORT = ("name", "score", "activity")


def dashboard_trainees_shown(trainees: list[dict], show: str) -> list[dict]:
    """The dashboard's trainees of one group (``DASHBOARD_SHOW``); everyone for "all"."""
    if show == "not_started":
        return [t for t in trainees if t["status"] == "not_started"]
    if show == "completed":
        return [t for t in trainees if t["status"] == "completed"]
    if show == "overdue":
        return [t for t in trainees if t["overdue"]]
    if show == "struggling":
        return [t for t in trainees if t["struggling"]]
    return trainees


def dashboard_trainees_sorted(trainees: list[dict], sort: str) -> list[dict]:
    """By name (as given), lowest mean score first (no score yet last), or longest inactive
    first (never active first)."""
    if sort == "score":
        return sorted(trainees, key=lambda t: (t["mean_score"] is None, t["mean_score"] or 0, t["name"]))
    if sort == "activity":
        return sorted(trainees, key=lambda t: (t["last_activity"] is not None, t["last_activity"] or 0, t["name"]))
    return trainees


RELIANCE_SORTS = ("automation_bias", "aversion", "mean_score", "brier", "name")


def sort_key_figures(rows: list[dict], *, sort: str) -> list[dict]:
    """Highest first for rates (undefined last); by name for ``name``."""
    if sort == "name" or sort not in RELIANCE_SORTS:
        return rows
    reverse = sort != "mean_score"  # the lowest scores first: those who need help

    def key(r):
        v = r[sort]
        return (v is None, -(v or 0) if reverse else (v or 0), r["name"])

    return sorted(rows, key=key)
