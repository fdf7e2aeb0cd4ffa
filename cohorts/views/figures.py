"""The charts of the cohort pages, from selector output to SVG (titles and descriptions
are full sentences, translated; the numbers are also printed in tables on the pages)."""
from django.utils.translation import gettext as _

from progress import charts
from ..selectors.dashboard import SCORE_BINS


def score_histogram(bins: list[int], *, title: str | None = None) -> str:
    total = sum(bins)
    return charts.histogram(
        bins, charts.score_bin_labels(SCORE_BINS),
        title=title or _("Distribution of the trainees' mean scores"),
        desc=_("Number of trainees in each band of mean score, over %(n)s trainees with at least one graded item.")
        % {"n": total},
        x_label=_("Mean score"), y_label=_("Trainees"),
    )


def module_histogram(module: dict) -> str:
    return charts.histogram(
        module["score_bins"], charts.score_bin_labels(SCORE_BINS),
        title=_("Mean scores in the module “%(module)s”") % {"module": module["title"]},
        desc=_("Number of trainees in each band of ten points of mean score in this module, over %(n)s trainees "
               "with a graded item.") % {"n": module["scored_trainees"]},
        x_label=_("Mean score"), y_label=_("Trainees"), width=320, height=190,
        edges=[charts.percent(i / SCORE_BINS) for i in range(SCORE_BINS + 1)], edge_every=2,
    )


def reliance_rates(m: dict) -> str:
    r = m["reliance"]
    ev = r["evidence"]
    return charts.hbar_chart(
        [(_("Automation bias"), r["automation_bias_rate"], _interval(ev["automation_bias"])),
         (_("Aversion"), r["aversion_rate"], _interval(ev["aversion"])),
         (_("Appropriate reliance"), r["appropriate_reliance"], _interval(ev["appropriate_reliance"]))],
        title=_("How the cohort relies on the AI"),
        desc=_("Automation bias is the share of wrong AI outputs accepted (%(w)s decisions); aversion the share of "
               "right AI outputs overridden (%(r)s decisions); appropriate reliance the share of decisions that "
               "accepted a right or overrode a wrong AI output. The black whiskers are the 95%% intervals "
               "(Wilson score interval).") % {"w": r["ai_wrong"], "r": r["ai_right"]},
    )


def _interval(evidence: dict | None) -> tuple[float, float] | None:
    return charts.intervals_of([evidence])[0]


def year_label(year) -> str:
    return _("Year %(year)s") % {"year": year} if year is not None else _("Year not recorded")


def dratsch(overview: dict) -> str:
    def group(label: str, r: dict) -> tuple:
        return (label, [r["accuracy_ai_right"], r["accuracy_ai_wrong"]],
                charts.intervals_of([r["evidence"]["accuracy_ai_right"], r["evidence"]["accuracy_ai_wrong"]]))

    groups = [group(_("Whole cohort"), overview["measures"]["reliance"])]
    for g in overview["by_year"]:
        groups.append(group(year_label(g["year"]), g["measures"]["reliance"]))
    return charts.grouped_bar_chart(
        groups, [_("AI right"), _("AI wrong")],
        title=_("Accuracy when the AI is right and when it is wrong, by training year"),
        desc=_("Share of final answers that were right, when the AI output was right (solid bars) and when it was "
               "wrong (hatched bars), for the cohort and for each training year, with their 95% intervals as "
               "black whiskers. A large gap means the trainees follow the AI."),
    )


def calibration(m: dict) -> str:
    return charts.calibration_plot(
        m["reliance"]["calibration"],
        title=_("Calibration: stated confidence against accuracy"),
        desc=_("Each point is a band of stated confidence: its mean confidence (across) against the share of right "
               "answers (up); bigger points hold more answers. Points under the dashed diagonal are overconfident. "
               "Brier score: %(brier)s.") % {"brier": charts.decimal(m["reliance"]["brier_score"], 3)},
    )


def recall(m: dict, names: dict[str, str]) -> str:
    rows = [(f"{code} {names.get(code, '')}".strip(), v["recall"], _interval(v["evidence"]))
            for code, v in m["detection"]["recall_by_failure_mode"].items()]
    return charts.hbar_chart(
        rows, title=_("Errors found in AI texts, by failure mode"),
        desc=_("Share of the errors of each kind, in AI-generated texts, that the trainees marked (recall), with "
               "its 95% interval as a black whisker."),
    )


def mastery(m: dict, names: dict[str, str]) -> str:
    rows = [(f"{code} {names.get(code, '')}".strip(), v["mastery"], _interval(v["evidence"]))
            for code, v in m["mastery_by_competency"].items()]
    return charts.hbar_chart(
        rows, title=_("Mastery by competency"),
        desc=_("Mean score of the graded items tagged with each competency, with its 95% interval as a black "
               "whisker."),
    )


def heat(rows: list[tuple[str, dict]], codes: list[str]) -> str:
    return charts.heat_map(
        [label for label, _m in rows], codes,
        [[(m["mastery_by_competency"].get(code) or {}).get("mastery") for code in codes] for _label, m in rows],
        title=_("Mastery by competency, trainee by trainee"),
        desc=_("One row per trainee (the first row is the whole cohort), one column per competency; darker cells "
               "are higher mean scores; a dash means no graded item of that competency yet."),
    )


def bias_histogram(figures: list[dict], *, minimum: int) -> tuple[str, int]:
    """The automation-bias histogram over the trainees with at least ``minimum`` wrong AI
    outputs behind their rate, and how many trainees with a rate were left out."""
    bins = [0] * SCORE_BINS
    left_out = 0
    for f in figures:
        if f["automation_bias"] is None:
            continue
        if f["ai_wrong"] < minimum:
            left_out += 1
            continue
        bins[min(int(f["automation_bias"] * SCORE_BINS), SCORE_BINS - 1)] += 1
    chart = charts.histogram(
        bins, charts.score_bin_labels(SCORE_BINS),
        title=_("Distribution of automation bias across trainees"),
        desc=_("Number of trainees in each band of automation bias rate, over %(n)s trainees who met at least "
               "%(m)s wrong AI outputs; %(out)s trainees with fewer are left out.")
        % {"n": sum(bins), "m": minimum, "out": left_out},
        x_label=_("Automation bias rate"), y_label=_("Trainees"),
    )
    return chart, left_out


def trend(periods: list[dict], labels: list[str], *, width: int = 560) -> str:
    def series(name: str, value, evidence) -> tuple:
        return (name, [value(p["measures"]) for p in periods],
                charts.intervals_of([evidence(p["measures"]) for p in periods]))

    return charts.line_chart(
        labels,
        [series(_("Automation bias"), lambda m: m["reliance"]["automation_bias_rate"],
                lambda m: m["reliance"]["evidence"]["automation_bias"]),
         series(_("Aversion"), lambda m: m["reliance"]["aversion_rate"], lambda m: m["reliance"]["evidence"]["aversion"]),
         series(_("Appropriate reliance"), lambda m: m["reliance"]["appropriate_reliance"],
                lambda m: m["reliance"]["evidence"]["appropriate_reliance"]),
         series(_("Mean score"), lambda m: m["mean_score"], lambda m: m["mean_score_evidence"])],
        title=_("Reliance and score over time"), width=width,
        desc=_("For each period, the measures over the answers given in it, each point with its 95% interval as a "
               "vertical bar (Wilson score interval for the rates); a gap means no answer of that kind was given "
               "then. The table below gives the same figures with their counts."),
    )


def compare(pairs: list[tuple[str, dict]]) -> str:
    keys = [(_("Automation bias"), "automation_bias_rate", "automation_bias"),
            (_("Aversion"), "aversion_rate", "aversion"),
            (_("Accuracy, AI right"), "accuracy_ai_right", "accuracy_ai_right"),
            (_("Accuracy, AI wrong"), "accuracy_ai_wrong", "accuracy_ai_wrong")]
    groups = [(label, [m["reliance"][key] for _name, m in pairs],
               charts.intervals_of([m["reliance"]["evidence"][ev] for _name, m in pairs])) for label, key, ev in keys]
    groups.append((_("Mean score"), [m["mean_score"] for _name, m in pairs],
                   charts.intervals_of([m["mean_score_evidence"] for _name, m in pairs])))
    return charts.grouped_bar_chart(
        groups, [name for name, _m in pairs],
        title=_("This cohort against another"),
        desc=_("The same measures for the two cohorts side by side (solid bars: this cohort; hatched bars: the "
               "other one), with their 95% intervals as black whiskers."),
    )


def before_after(phases: dict, module_title: str) -> str:
    keys = [(_("Automation bias"), "automation_bias_rate", "automation_bias"),
            (_("Aversion"), "aversion_rate", "aversion"),
            (_("Appropriate reliance"), "appropriate_reliance", "appropriate_reliance"),
            (_("Accuracy, AI wrong"), "accuracy_ai_wrong", "accuracy_ai_wrong")]
    sides = [phases["before"]["measures"]["reliance"], phases["after"]["measures"]["reliance"]]
    return charts.grouped_bar_chart(
        [(label, [r[key] for r in sides], charts.intervals_of([r["evidence"][ev] for r in sides]))
         for label, key, ev in keys],
        [_("Before"), _("After")],
        title=_("Reliance before and after the module “%(module)s”") % {"module": module_title},
        desc=_("Decisions on AI outputs made before (solid bars) and after (hatched bars) each trainee completed "
               "the module, by the trainees who completed it, with their 95% intervals as black whiskers."),
    )
