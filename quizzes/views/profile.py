"""My reliance profile: my own measures as charts with plain explanations, and where I
stand in my cohorts' distribution (no other trainee's identity or value)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quizzes.selectors import COHORT_MIN_PEERS, trainee_profile

from progress import charts
from progress.charts import Bar, percent
from .presenters import competency_name, failure_mode_name


@login_required
@require_GET
def reliance_profile(request):
    data = trainee_profile(trainee=request.user)
    m, comparison = data["measures"], data["comparison"]
    rel, det = m["reliance"], m["detection"]
    ev, dp = rel["evidence"], det["d_prime_evidence"]
    of = _("%(k)s of %(n)s")

    def count(p: dict) -> str:  # the bar's own label stays short; the interval is beside the text
        return of % {"k": p["k"], "n": p["n"]}

    reliance = charts.bar_chart([
        Bar(label=_("Automation bias: wrong AI outputs you accepted"), value=rel["automation_bias_rate"],
            text=percent(rel["automation_bias_rate"]), detail=count(ev["automation_bias"])),
        Bar(label=_("Aversion: right AI outputs you overrode"), value=rel["aversion_rate"],
            text=percent(rel["aversion_rate"]), detail=count(ev["aversion"])),
        Bar(label=_("Appropriate reliance: right calls to accept or override"), value=rel["appropriate_reliance"],
            text=percent(rel["appropriate_reliance"]),
            detail=count(ev["appropriate_reliance"])),
    ])
    accuracy = charts.bar_chart([
        Bar(label=_("Your accuracy when the AI was right"), value=rel["accuracy_ai_right"],
            text=percent(rel["accuracy_ai_right"]), detail=count(ev["accuracy_ai_right"])),
        Bar(label=_("Your accuracy when the AI was wrong"), value=rel["accuracy_ai_wrong"],
            text=percent(rel["accuracy_ai_wrong"]), detail=count(ev["accuracy_ai_wrong"])),
    ])
    recall = det["recall_by_failure_mode"]
    recall_chart = charts.bar_chart([
        Bar(label=failure_mode_name(code), value=r["recall"], text=percent(r["recall"]),
            detail=of % {"k": r["found"], "n": r["keys"]})
        for code, r in sorted(recall.items())
    ]) if recall else None
    mastery = m["mastery_by_competency"]
    mastery_chart = charts.bar_chart([
        Bar(label=competency_name(code), value=r["mastery"], text=percent(r["mastery"]),
            detail=_("%(n)s answers") % {"n": r["n"]})
        for code, r in sorted(mastery.items())
    ]) if mastery else None
    switch = rel["switch_matrix"]
    switch_total = sum(sum(row.values()) for row in switch.values())
    bins = [b for b in rel["calibration"] if b["n"]]
    strips = [
        (_("Mean score"), charts.strip(comparison.get("mean_score"))),
        (_("Appropriate reliance"), charts.strip(comparison.get("appropriate_reliance"))),
        (_("Automation bias rate"), charts.strip(comparison.get("automation_bias_rate"), lower_is_better=True)),
        (_("Aversion rate"), charts.strip(comparison.get("aversion_rate"), lower_is_better=True)),
        (_("Brier score"), charts.strip(comparison.get("brier_score"), lower_is_better=True, as_percent=False)),
    ]
    return render(request, "quizzes/profile.html", {
        "m": m, "rel": rel, "det": det, "dp": dp,
        "fmt": {
            "mean_score": percent(m["mean_score"]),
            "automation_bias": percent(rel["automation_bias_rate"]), "aversion": percent(rel["aversion_rate"]),
            "appropriate": percent(rel["appropriate_reliance"]),
            "rair": percent(rel["rair"]), "rsr": percent(rel["rsr"]),
            "brier": charts.decimal(rel["brier_score"], 3), "d_prime": charts.decimal(det["d_prime"], 2),
            "d_prime_max": charts.decimal(dp["max"], 2),
            "automation_bias_ev": charts.evidence(ev["automation_bias"]), "aversion_ev": charts.evidence(ev["aversion"]),
            "appropriate_ev": charts.evidence(ev["appropriate_reliance"]),
            "rair_ev": charts.evidence(ev["rair"]), "rsr_ev": charts.evidence(ev["rsr"]),
            "brier_ev": charts.mean_evidence(ev["brier"]),
            "accuracy_right_ev": charts.evidence(ev["accuracy_ai_right"]),
            "accuracy_wrong_ev": charts.evidence(ev["accuracy_ai_wrong"]),
            "cbm_total": charts.decimal(m["cbm"]["total"], 0) if m["cbm"]["n"] else "—",
            "cbm_mean": charts.decimal(m["cbm"]["mean"], 2),
        },
        "reliance_chart": reliance, "accuracy_chart": accuracy, "recall_chart": recall_chart,
        "mastery_chart": mastery_chart, "switch": switch, "switch_total": switch_total,
        "calibration": charts.calibration_geometry(rel["calibration"]) if bins else None,
        "calibration_rows": [{**b, "conf": percent(b["mean_confidence"]), "acc": percent(b["accuracy"])} for b in bins],
        "strips": [(label, s) for label, s in strips if s], "min_peers": COHORT_MIN_PEERS,
    })
