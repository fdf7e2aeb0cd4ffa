"""Geometry of the server-rendered SVG charts (the templates draw them).

Every chart is computed here as plain numbers so the templates stay declarative and the
charts need no JavaScript; each template gives its SVG a title and a description, and
the numbers are printed as text beside the drawing.
"""
from dataclasses import dataclass

from quizzes.items.display import decimal, percent, short_label


@dataclass
class Bar:
    label: str
    value: float | None  # in [0, 1], None when undefined
    text: str  # the value as printed
    detail: str = ""  # e.g. "5 of 8"
    short: str = ""
    y: float = 0
    width: float = 0


def bar_chart(rows: list[Bar], *, width: float = 340, label_width: float = 0, row_height: float = 40) -> dict:
    """Horizontal bars from 0 to 1 (labels above each bar, value text at the right)."""
    plot = width - label_width - 140
    for row in rows:
        row.short = short_label(row.label)
    for i, row in enumerate(rows):
        row.y = i * row_height
        row.width = max(0.0, min(1.0, row.value or 0.0)) * plot
    return {"rows": rows, "width": width, "height": max(row_height * len(rows), row_height), "plot": plot,
            "x0": label_width, "value_x": label_width + plot + 6}


def contribution_chart(features: list[dict], *, width: float = 320) -> dict:
    """Signed feature contributions as bars diverging from a central axis, largest first."""
    rows = []
    values = [f.get("contribution") for f in features if isinstance(f.get("contribution"), (int, float))]
    biggest = max((abs(v) for v in values), default=0) or 1.0
    axis = width / 2
    half = axis - 42
    ordered = sorted(
        (f for f in features if isinstance(f.get("contribution"), (int, float))),
        key=lambda f: -abs(f["contribution"]),
    )
    for i, f in enumerate(ordered):
        value = float(f["contribution"])
        length = abs(value) / biggest * half
        name = str(f.get("name", ""))
        rows.append({
            "name": name, "short": name if len(name) <= 48 else name[:47] + "…",
            "value": value, "text": f"{value:+.2f}", "positive": value > 0,
            "y": i * 44, "x": axis if value >= 0 else axis - length, "length": max(length, 1.5),
            "text_x": axis + length + 4 if value >= 0 else axis - length - 4,
        })
    return {"rows": rows, "width": width, "height": max(44 * len(rows), 44) + 4, "axis": axis}


def gauge(probability: float | None, threshold: float | None, *, width: float = 320) -> dict:
    """A probability bar from 0 to 100% with the decision threshold marked."""
    plot = width - 20
    p = max(0.0, min(1.0, probability or 0.0))
    t = None if threshold is None else max(0.0, min(1.0, float(threshold)))
    return {
        "width": width, "plot": plot, "x0": 10, "fill": p * plot,
        "threshold_x": None if t is None else 10 + t * plot,
        "probability": percent(probability), "threshold": percent(t) if t is not None else None,
    }


def calibration_plot(bins: list[dict], *, size: float = 320, margin: float = 40) -> dict:
    """Accuracy against mean stated confidence per confidence bin, with the diagonal of
    perfect calibration; each point's radius grows with the number of answers in it."""
    plot = size - margin - 24
    biggest = max((b["n"] for b in bins), default=0) or 1
    points = []
    for b in bins:
        if not b["n"] or b["mean_confidence"] is None or b["accuracy"] is None:
            continue
        points.append({
            "x": margin + b["mean_confidence"] * plot,
            "y": 10 + (1 - b["accuracy"]) * plot,
            "r": 4 + 6 * (b["n"] / biggest) ** 0.5,
            "n": b["n"], "confidence": percent(b["mean_confidence"]), "accuracy": percent(b["accuracy"]),
            "range": f"{b['from']}–{b['to']}",
        })
    ticks = [{"value": f"{v}%", "x": margin + v / 100 * plot, "y": 10 + (1 - v / 100) * plot} for v in (0, 25, 50, 75, 100)]
    return {"size": size, "margin": margin, "plot": plot, "points": points, "ticks": ticks,
            "bottom": 10 + plot, "right": margin + plot}


def strip(comparison: dict | None, *, lower_is_better: bool = False, as_percent: bool = True,
          width: float = 320) -> dict | None:
    """A 0..1 strip: the cohort's interquartile range as a band, its median as a tick and
    the trainee's own value as a dot (no other trainee's value is drawn)."""
    if comparison is None:
        return None
    plot = width - 20
    fmt = percent if as_percent else decimal

    def x(v: float) -> float:
        return 10 + max(0.0, min(1.0, v)) * plot

    own, rank = comparison["own"], comparison["rank"]
    better = None
    if rank is not None:
        better = round((1 - rank) * 100) if lower_is_better else round(rank * 100)
    return {
        "width": width, "x0": 10, "x1": 10 + plot,
        "q1": x(comparison["q1"]), "q3": x(comparison["q3"]), "median": x(comparison["median"]),
        "iqr": max(x(comparison["q3"]) - x(comparison["q1"]), 2.0),
        "own": None if own is None else x(own), "n": comparison["n"], "better": better,
        "lower_is_better": lower_is_better,
        "q1_text": fmt(comparison["q1"]), "median_text": fmt(comparison["median"]),
        "q3_text": fmt(comparison["q3"]), "own_text": fmt(own),
    }
