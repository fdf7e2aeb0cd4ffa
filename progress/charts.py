"""Server-rendered SVG charts of the measures, and how their numbers are written (pure:
numbers in, SVG markup or geometry out; no JavaScript).

Two kinds, one module: the cohort pages' charts return the markup itself (``hbar_chart``,
``histogram``, ``line_chart``…): every chart is an ``<svg role="img">`` named by its
``<title>`` and described by its ``<desc>``; pages print the same numbers in a table beside
it. Series differ by shape, dash and hatching as well as by colour (Okabe–Ito palette), so
a chart stays readable in black-and-white print and for colour-blind readers. The trainee's
pages (the reliance profile, the AI outputs of a case) get plain geometry instead
(``bar_chart``, ``strip``, ``gauge``…), which their templates draw, giving each SVG a title
and a description. Either way an undefined value (None) draws no mark and is written "—"
(``percent``, ``decimal``), never drawn as 0.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count
from math import sqrt

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

INK = "#1b1f24"
MUTED = "#4a5562"
GRID = "#cfd6de"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
DASHES = ("", "6 4", "2 3", "8 3 2 3", "1 0")
MARKERS = ("circle", "square", "triangle", "diamond", "circle")
FONT = 14
SMALL = 12
LABEL_CHAR_PX = 6.6  # a generous width of a character at 12 px, so a label is never cut

_ids = count(1)


def dash() -> str:
    return "—"


def percent(value: float | None, decimals: int = 0) -> str:
    """0.741 → "74%" (localised decimal separator); None → "—"."""
    if value is None:
        return dash()
    # number_format truncates floats; round first so 2/3 shows as 67%, not 66%.
    return f"{number_format(round(value * 100, decimals), decimals)}%"


def evidence(p: dict | None) -> str:
    """A proportion's evidence, "4 of 10; 95% CI 17–69%", from progress.measures.proportion;
    "0 of 0" when there is nothing to count."""
    if not p:
        return dash()
    text = _("%(k)s of %(n)s") % {"k": p["k"], "n": p["n"]}
    if p.get("low") is None:
        return text
    return _("%(count)s; 95%% CI %(low)s–%(high)s") % {
        "count": text, "low": percent(p["low"]).rstrip("%"), "high": percent(p["high"])}


def mean_evidence(p: dict | None, decimals: int = 3) -> str:
    """A mean's evidence, "n = 12; 95% CI 0.081–0.260" (the Brier score)."""
    if not p or not p.get("n"):
        return dash()
    text = _("n = %(n)s") % {"n": p["n"]}
    if p.get("low") is None:
        return text
    return _("%(count)s; 95%% CI %(low)s–%(high)s") % {
        "count": text, "low": decimal(p["low"], decimals), "high": decimal(p["high"], decimals)}


def decimal(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return dash()
    return number_format(round(value, decimals), decimals)


def _t(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = FONT, fill: str = INK,
          weight: str = "normal", extra: str = "") -> str:
    return (f'<text x="{_t(x)}" y="{_t(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{extra}>{escape(content)}</text>')


class Chart(SafeString):
    """SVG markup that also knows its title (for the scrollable region that holds it)."""

    title: str = ""


def _svg(width: int, height: int, title: str, desc: str, body: list[str], *, defs: str = "") -> Chart:
    uid = next(_ids)
    chart = Chart(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-t{uid} chart-d{uid}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
        f'<title id="chart-t{uid}">{escape(title)}</title><desc id="chart-d{uid}">{escape(desc)}</desc>'
        f'<defs>{_hatch_defs(uid)}{defs}</defs>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body).replace("url(#hatch)", f"url(#hatch-{uid})")
        + "</svg>"
    )
    chart.title = title
    return chart


def _hatch_defs(uid: int) -> str:
    return (f'<pattern id="hatch-{uid}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{PALETTE[1]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" '
            f'stroke-width="2.5"/></pattern>')


def _fill(series: int) -> str:
    """Series 0 solid blue, series 1 hatched vermillion, then solid colours."""
    return "url(#hatch)" if series == 1 else PALETTE[series % len(PALETTE)]


def _marker(kind: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if kind == "square":
        return f'<rect x="{_t(x - r)}" y="{_t(y - r)}" width="{_t(2 * r)}" height="{_t(2 * r)}" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{_t(x)},{_t(y - r - 1)} {_t(x - r - 1)},{_t(y + r)} {_t(x + r + 1)},{_t(y + r)}" '
                f'fill="{colour}"/>')
    if kind == "diamond":
        return (f'<polygon points="{_t(x)},{_t(y - r - 1)} {_t(x + r + 1)},{_t(y)} {_t(x)},{_t(y + r + 1)} '
                f'{_t(x - r - 1)},{_t(y)}" fill="{colour}"/>')
    return f'<circle cx="{_t(x)}" cy="{_t(y)}" r="{_t(r)}" fill="{colour}"/>'


MAX_LABEL_LINES = 4  # of a bar's label; beyond, the last line ends in "…"


def _wrap(label: str, limit: int) -> list[str]:
    """Words on lines of at most ``limit`` characters (a longer word is clipped)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(_clip(word, limit))
    return lines or [""]


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legend(names: Sequence[str], x: float, y: float, *, width: float, lines: bool = False) -> tuple[list[str], float]:
    """Swatches (or line samples) with names, wrapping onto more rows; returns the marks and
    the height the extra rows take."""
    out, cursor, row = [], x, 0
    for i, name in enumerate(names):
        need = (30 if lines else 20) + 7 * len(name) + 18
        if cursor > x and cursor + need > width:
            cursor, row = x, row + 1
        yy = y + row * 18
        if lines:
            colour = PALETTE[i % len(PALETTE)]
            dasharray = f' stroke-dasharray="{DASHES[i % len(DASHES)]}"' if DASHES[i % len(DASHES)] else ""
            out.append(f'<line x1="{_t(cursor)}" y1="{_t(yy - 5)}" x2="{_t(cursor + 24)}" y2="{_t(yy - 5)}" '
                       f'stroke="{colour}" stroke-width="2.5"{dasharray}/>')
            out.append(_marker(MARKERS[i % len(MARKERS)], cursor + 12, yy - 5, colour))
            cursor += 30
        else:
            out.append(f'<rect x="{_t(cursor)}" y="{_t(yy - 12)}" width="14" height="14" fill="{_fill(i)}" '
                       f'stroke="{INK}" stroke-width="0.5"/>')
            cursor += 20
        out.append(_text(cursor, yy, name, size=SMALL))
        cursor += 7 * len(name) + 18
    return out, row * 18


def _whisker_h(x_low: float, x_high: float, y: float) -> str:
    return (f'<path d="M{_t(x_low)} {_t(y)}H{_t(x_high)}M{_t(x_low)} {_t(y - 5)}V{_t(y + 5)}'
            f'M{_t(x_high)} {_t(y - 5)}V{_t(y + 5)}" stroke="{INK}" stroke-width="1.5" fill="none" class="interval"/>')


def _whisker_v(x: float, y_low: float, y_high: float) -> str:
    return (f'<path d="M{_t(x)} {_t(y_low)}V{_t(y_high)}M{_t(x - 4)} {_t(y_low)}H{_t(x + 4)}'
            f'M{_t(x - 4)} {_t(y_high)}H{_t(x + 4)}" stroke="{INK}" stroke-width="1.5" fill="none" class="interval"/>')


def _band(intervals: Sequence | None, i: int) -> tuple[float, float] | None:
    band = intervals[i] if intervals is not None and i < len(intervals) else None
    return band if band is not None and band[0] is not None and band[1] is not None else None


def hbar_chart(rows: Sequence[tuple], *, title: str, desc: str, max_value: float = 1.0,
               fmt: Callable[[float | None], str] = percent, width: int = 560) -> SafeString:
    """Horizontal bars, one per (label, value) or (label, value, (low, high)); values on the
    bars' right, an interval drawn as a whisker across the bar's end."""
    label_w, right_w, row_h, top = 230, 64, 30, 8
    # Labels wrap rather than being cut (~6.6 px a character at 12 px): a French failure-mode
    # label runs to 90 characters, four lines of the label column; rows grow to fit them.
    wrapped = [_wrap(row[0], int((label_w - 10) / LABEL_CHAR_PX)) for row in rows]
    most = min(max((len(lines) for lines in wrapped), default=1), MAX_LABEL_LINES)
    if most > 1:
        row_h = 14 * most + 10
    plot_w = width - label_w - right_w
    height = top + row_h * max(len(rows), 1) + 26
    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + plot_w * tick
        body.append(f'<line x1="{_t(x)}" y1="{top}" x2="{_t(x)}" y2="{height - 22}" stroke="{GRID}"/>')
        body.append(_text(x, height - 6, fmt(tick * max_value), anchor="middle", size=SMALL, fill=MUTED))
    def x_of(v: float) -> float:
        return label_w + plot_w * max(0.0, min(v / max_value if max_value else 0, 1.0))

    for i, row in enumerate(rows):
        value = row[1]
        y = top + i * row_h
        lines = wrapped[i][:MAX_LABEL_LINES]
        if len(wrapped[i]) > MAX_LABEL_LINES:
            lines[-1] = _clip(lines[-1] + " " + " ".join(wrapped[i][MAX_LABEL_LINES:]), len(lines[-1]))
        mid = y + row_h / 2
        for k, line in enumerate(lines):
            body.append(_text(label_w - 8, mid + 4 + (k - (len(lines) - 1) / 2) * 14, line, anchor="end", size=SMALL))
        if value is None:
            body.append(_text(label_w + 4, mid + 5, dash(), fill=MUTED))
            continue
        w = x_of(value) - label_w
        body.append(f'<rect x="{label_w}" y="{_t(mid - 9)}" width="{_t(w)}" height="18" fill="{PALETTE[0]}"/>')
        band = _band([row[2] if len(row) > 2 else None for row in rows], i)
        end = label_w + w
        if band:
            body.append(_whisker_h(x_of(band[0]), x_of(band[1]), mid))
            end = max(end, x_of(band[1]))
        body.append(_text(min(end + 6, width - right_w + 8), mid + 5, fmt(value), weight="600"))
    body.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - 22}" stroke="{INK}"/>')
    return _svg(width, height, title, desc, body)


def grouped_bar_chart(groups: Sequence[tuple], series: Sequence[str], *, title: str,
                      desc: str, max_value: float = 1.0, fmt: Callable[[float | None], str] = percent,
                      width: int = 560) -> SafeString:
    """Vertical bars grouped by category (e.g. a training year), one bar per series; a group
    is (label, values) or (label, values, intervals), each interval a whisker on its bar."""
    left, right, top, bottom = 52, 12, 46, 46  # room above the plot for a value over a whisker
    body, extra = _legend(series, left, 20, width=width - right)
    top += extra
    height = 312 + extra
    plot_w, plot_h = width - left - right, height - top - bottom
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(f'<line x1="{left}" y1="{_t(y)}" x2="{width - right}" y2="{_t(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, fmt(tick * max_value), anchor="end", size=SMALL, fill=MUTED))
    n = max(len(groups), 1)
    group_w = plot_w / n
    bar_w = min(48.0, group_w * 0.8 / max(len(series), 1))
    def y_of(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(v / max_value if max_value else 0, 1.0)))

    for g, group in enumerate(groups):
        label, values = group[0], group[1]
        intervals = group[2] if len(group) > 2 else None
        x0 = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, value in enumerate(values):
            x = x0 + s * bar_w
            if value is None:
                body.append(_text(x + bar_w / 2, top + plot_h - 6, dash(), anchor="middle", fill=MUTED))
                continue
            h = plot_h * max(0.0, min(value / max_value if max_value else 0, 1.0))
            body.append(f'<rect x="{_t(x + 1)}" y="{_t(top + plot_h - h)}" width="{_t(bar_w - 2)}" height="{_t(h)}" '
                        f'fill="{_fill(s)}" stroke="{INK}" stroke-width="0.5"/>')
            value_y = top + plot_h - h
            band = _band(intervals, s)
            if band:
                body.append(_whisker_v(x + bar_w / 2, y_of(band[0]), y_of(band[1])))
                # The value sits above the bar, beside the whisker's top when it would cross it.
                value_y = min(value_y, y_of(band[1]))
            body.append(_text(x + bar_w / 2, max(value_y - 5, top - 2), fmt(value), anchor="middle", size=SMALL,
                              weight="600"))
        for k, line in enumerate(_wrap(label, max(int(group_w / 7), 6))[:2]):
            body.append(_text(left + g * group_w + group_w / 2, height - bottom + 18 + 14 * k, line,
                              anchor="middle", size=SMALL))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    return _svg(width, height, title, desc, body)


def histogram(counts: Sequence[int], bin_labels: Sequence[str], *, title: str, desc: str, x_label: str,
              y_label: str, width: int = 560, height: int = 240, edges: Sequence[str] | None = None,
              edge_every: int = 1) -> SafeString:
    """Vertical bars of counts per bin (e.g. trainees per score band), counts on top.

    The bins are named under each bar (``bin_labels``) or, for a narrow chart, by ticks at
    their boundaries (``edges``, one more than the bins, every ``edge_every``-th printed), so
    the axis says its unit ("0%" … "100%") as the values do."""
    left, right, top, bottom = 44, 18 if edges else 10, 16, 54
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(counts, default=0), 1)
    body = []
    for tick in sorted({0, peak // 2, peak} if peak % 2 == 0 else {0, peak}):
        y = top + plot_h * (1 - tick / peak)
        body.append(f'<line x1="{left}" y1="{_t(y)}" x2="{width - right}" y2="{_t(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, str(tick), anchor="end", size=SMALL, fill=MUTED))
    bin_w = plot_w / max(len(counts), 1)
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x = left + i * bin_w
        if c:
            body.append(f'<rect x="{_t(x + 2)}" y="{_t(top + plot_h - h)}" width="{_t(bin_w - 4)}" height="{_t(h)}" '
                        f'fill="{PALETTE[0]}"/>')
            body.append(_text(x + bin_w / 2, top + plot_h - h - 4, str(c), anchor="middle", size=SMALL, weight="600"))
        if edges is None:
            body.append(_text(x + bin_w / 2, top + plot_h + 16, bin_labels[i], anchor="middle", size=11, fill=MUTED))
    for i, label in enumerate(edges or []):
        if i % edge_every:
            continue
        x = left + i * bin_w
        body.append(f'<line x1="{_t(x)}" y1="{top + plot_h}" x2="{_t(x)}" y2="{top + plot_h + 4}" stroke="{INK}"/>')
        body.append(_text(x, top + plot_h + 16, label, anchor="middle", size=11, fill=MUTED))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    body.append(_text(left + plot_w / 2, height - 8, x_label, anchor="middle", size=SMALL))
    body.append(_text(12, top + plot_h / 2, y_label, anchor="middle", size=SMALL,
                      extra=f' transform="rotate(-90 12 {_t(top + plot_h / 2)})"'))
    return _svg(width, height, title, desc, body)


def calibration_plot(bins: Sequence[dict], *, title: str, desc: str, size: int = 380) -> SafeString:
    """Mean stated confidence (x) against accuracy (y) per confidence band; the dashed
    diagonal is perfect calibration; a point's area grows with its number of answers."""
    left, right, top, bottom = 56, 14, 14, 48
    plot = size - left - right
    height = top + plot + bottom
    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x, y = left + plot * tick, top + plot * (1 - tick)
        body.append(f'<line x1="{_t(x)}" y1="{top}" x2="{_t(x)}" y2="{top + plot}" stroke="{GRID}"/>')
        body.append(f'<line x1="{left}" y1="{_t(y)}" x2="{left + plot}" y2="{_t(y)}" stroke="{GRID}"/>')
        body.append(_text(x, top + plot + 16, percent(tick), anchor="middle", size=SMALL, fill=MUTED))
        body.append(_text(left - 6, y + 4, percent(tick), anchor="end", size=SMALL, fill=MUTED))
    body.append(f'<line x1="{left}" y1="{top + plot}" x2="{left + plot}" y2="{top}" stroke="{MUTED}" '
                f'stroke-dasharray="5 4"/>')
    points = [b for b in bins if b.get("n") and b.get("mean_confidence") is not None]
    peak = max((b["n"] for b in points), default=1)
    coords = [(left + plot * b["mean_confidence"], top + plot * (1 - b["accuracy"]), b["n"]) for b in points]
    if len(coords) > 1:
        path = " ".join(f"{_t(x)},{_t(y)}" for x, y, _n in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for x, y, n in coords:
        r = 3 + 7 * sqrt(n / peak)
        body.append(f'<circle cx="{_t(x)}" cy="{_t(y)}" r="{_t(r)}" fill="{PALETTE[0]}" fill-opacity="0.85" '
                    f'stroke="#ffffff" stroke-width="1"/>')
    if not coords:
        body.append(_text(left + plot / 2, top + plot / 2, _("No answer with a stated confidence yet."),
                          anchor="middle", fill=MUTED))
    body.append(f'<rect x="{left}" y="{top}" width="{plot}" height="{plot}" fill="none" stroke="{INK}"/>')
    body.append(_text(left + plot / 2, height - 8, _("Stated confidence"), anchor="middle", size=SMALL))
    body.append(_text(14, top + plot / 2, _("Accuracy"), anchor="middle", size=SMALL,
                      extra=f' transform="rotate(-90 14 {_t(top + plot / 2)})"'))
    return _svg(size, height, title, desc, body)


def heat_map(row_labels: Sequence[str], col_labels: Sequence[str], values: Sequence[Sequence[float | None]], *,
             title: str, desc: str) -> SafeString:
    """Rows × columns of values in [0, 1]: darker is higher; each cell also shows its value."""
    # The row labels (trainees' names) are written whole: the label column grows to the
    # longest, up to 56 characters.
    longest = max((len(label) for label in row_labels), default=0)
    label_w, cell_w, cell_h, top = int(max(120, min(longest, 56) * LABEL_CHAR_PX + 16)), 52, 26, 28
    width = label_w + cell_w * max(len(col_labels), 1) + 8
    height = top + cell_h * max(len(row_labels), 1) + 8
    body = []
    for j, code in enumerate(col_labels):
        body.append(_text(label_w + j * cell_w + cell_w / 2, top - 10, code, anchor="middle", size=SMALL, weight="600"))
    for i, label in enumerate(row_labels):
        y = top + i * cell_h
        body.append(_text(label_w - 8, y + 18, _clip(label, 56), anchor="end", size=SMALL))
        for j, value in enumerate(values[i]):
            x = label_w + j * cell_w
            if value is None:
                body.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="#ffffff" stroke="{GRID}"/>')
                body.append(_text(x + cell_w / 2, y + 18, dash(), anchor="middle", size=SMALL, fill=MUTED))
                continue
            v = max(0.0, min(value, 1.0))
            body.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{_blue(v)}" stroke="#ffffff"/>')
            body.append(_text(x + cell_w / 2, y + 18, percent(value), anchor="middle", size=SMALL,
                              fill="#ffffff" if v >= 0.55 else INK))
    return _svg(width, height, title, desc, body)


def _blue(v: float) -> str:
    """From a pale wash (0) to a dark blue (1)."""
    lo, hi = (0xEE, 0xF3, 0xF9), (0x0B, 0x3D, 0x73)
    return "#" + "".join(f"{round(a + (b - a) * v):02x}" for a, b in zip(lo, hi))


Interval = tuple[float, float] | None


def _x_label_positions(xs: Sequence[float], labels: Sequence[str], *, width: float, char_w: float = 6.6,
                       gap: float = 10) -> list[tuple[int, float]]:
    """Which period labels to print and where: the first and the last always, others only
    where they keep ``gap`` clear of their neighbours (a label ~``char_w`` px a character
    at 11 px); labels near the edges slide inwards so they stay inside the figure."""
    def span(i: int) -> tuple[float, float]:
        half = len(labels[i]) * char_w / 2 + 2
        x = min(max(xs[i], half + 2), width - half - 2)
        return x, half

    n = len(xs)
    if not n:
        return []
    last_x, last_half = span(n - 1)
    chosen = [(0, *span(0))]
    for i in range(1, n - 1):
        x, half = span(i)
        _j, px, phalf = chosen[-1]
        if x - half >= px + phalf + gap and x + half + gap <= last_x - last_half:
            chosen.append((i, x, half))
    if n > 1:
        # The last label replaces any it would touch (the first only if nothing else fits).
        while len(chosen) > 1 and chosen[-1][1] + chosen[-1][2] + gap > last_x - last_half:
            chosen.pop()
        _j, px, phalf = chosen[-1]
        if px + phalf + gap <= last_x - last_half:
            chosen.append((n - 1, last_x, last_half))
        else:  # two labels cannot share the axis: keep the latest one
            chosen = [(n - 1, last_x, last_half)]
    return [(i, x) for i, x, _half in chosen]


def line_chart(x_labels: Sequence[str], series: Sequence[tuple], *, title: str,
               desc: str, max_value: float = 1.0, fmt: Callable[[float | None], str] = percent,
               width: int = 560, height: int = 280) -> SafeString:
    """One line per series over periods; a missing value breaks the line.

    A series is ``(name, values)`` or ``(name, values, intervals)``: each interval, a
    (low, high) pair or None, is drawn as a whisker with caps through its point (series
    side by side, a few pixels apart, so whiskers do not hide one another)."""
    left, right, top, bottom = 52, 16, 34, 44
    body, extra = _legend([s[0] for s in series], left, 20, width=width - right, lines=True)
    top += extra
    height += extra
    plot_w, plot_h = width - left - right, height - top - bottom
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(f'<line x1="{left}" y1="{_t(y)}" x2="{width - right}" y2="{_t(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, fmt(tick * max_value), anchor="end", size=SMALL, fill=MUTED))
    n = len(x_labels)
    # Periods sit half a step in from each edge, so whiskers and markers stay inside the plot.
    step = plot_w / max(n, 1)

    def px(i: int) -> float:
        return left + step * (i + 0.5)

    def py(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(v / max_value if max_value else 0, 1.0)))

    for i, x in _x_label_positions([px(i) for i in range(n)], x_labels, width=width):
        body.append(f'<line x1="{_t(px(i))}" y1="{top + plot_h}" x2="{_t(px(i))}" y2="{top + plot_h + 4}" '
                    f'stroke="{INK}"/>')
        body.append(_text(x, top + plot_h + 18, x_labels[i], anchor="middle", size=11, fill=MUTED))
    spread = min(5.0, step / (len(series) + 1))
    for s, entry in enumerate(series):
        values = entry[1]
        intervals = entry[2] if len(entry) > 2 else [None] * len(values)
        colour, dasharray = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        offset = (s - (len(series) - 1) / 2) * spread
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append((px(i) + offset, py(v)))
            band = intervals[i] if i < len(intervals) else None
            if band is not None and band[0] is not None and band[1] is not None:
                x, y_low, y_high = px(i) + offset, py(band[0]), py(band[1])
                body.append(f'<path d="M{_t(x)} {_t(y_low)}V{_t(y_high)}M{_t(x - 3)} {_t(y_low)}H{_t(x + 3)}'
                            f'M{_t(x - 3)} {_t(y_high)}H{_t(x + 3)}" stroke="{colour}" stroke-width="1.5" '
                            f'fill="none" class="interval"/>')
        for r in runs:
            if len(r) > 1:
                pts = " ".join(f"{_t(x)},{_t(y)}" for x, y in r)
                extra = f' stroke-dasharray="{dasharray}"' if dasharray else ""
                body.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5"{extra}/>')
            for x, y in r:
                body.append(_marker(MARKERS[s % len(MARKERS)], x, y, colour))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    return _svg(width, height, title, desc, body)


def intervals_of(evidence: Sequence[dict | None]) -> list[Interval]:
    """The (low, high) pairs of a list of ``proportion`` (or Brier) evidence dicts."""
    return [(e["low"], e["high"]) if e and e.get("low") is not None else None for e in evidence]


def score_bin_labels(bins: int = 10) -> list[str]:
    """"0–9%", "10–19%", …, "90–100%"."""
    step = 100 // bins
    return [f"{i * step}–{(i + 1) * step - 1 if i < bins - 1 else 100}%" for i in range(bins)]


# ---------------------------------------------------------------- geometry for templates to draw


@dataclass
class Bar:
    label: str
    value: float | None  # in [0, 1], None when undefined
    text: str  # the value as printed
    detail: str = ""  # e.g. "5 of 8"
    short: str = ""
    lines: list = field(default_factory=list)  # (y, text) of the label's lines above the bar
    bar_y: float = 19
    y: float = 0
    width: float = 0


def short_label(text: str, limit: int = 90) -> str:
    """A chart label: the name without its parenthesis, cut to ``limit`` characters (far
    more than a label says; the chart widens to hold it rather than cut a word)."""
    head = text.split(" (")[0] if " (" in text else text
    return head if len(head) <= limit else head[:limit - 1] + "…"


def bar_chart(rows: list[Bar], *, width: float = 340, label_width: float = 0, row_height: float = 40) -> dict:
    """Horizontal bars from 0 to 1 (labels above each bar, value text at the right). The
    figure is made wider when a label needs it (it is scaled to its box, so it still fits
    the page); a label longer than the widest figure wraps onto more lines above its bar
    (French labels run to 90 characters), so no word is cut."""
    # Widen up to 400 (a phone still shows the text at ~10 px); a longer label wraps there.
    longest = max((len(short_label(row.label)) for row in rows), default=0)
    width = max(width, min(longest * LABEL_CHAR_PX + label_width + 4, 400.0))
    per_line = int((width - label_width - 4) / LABEL_CHAR_PX)
    plot = width - label_width - 140
    y = 0.0
    for row in rows:
        row.short = short_label(row.label)
        wrapped = _wrap(row.short, per_line)
        row.lines = [(13 + 14 * k, line) for k, line in enumerate(wrapped)]
        row.bar_y = 19 + 14 * (len(wrapped) - 1)
        row.y = y
        row.width = max(0.0, min(1.0, row.value or 0.0)) * plot
        y += row_height + 14 * (len(wrapped) - 1)
    return {"rows": rows, "width": width, "height": max(y, row_height), "plot": plot,
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


def calibration_geometry(bins: list[dict], *, size: float = 320, margin: float = 40) -> dict:
    """Accuracy against mean stated confidence per confidence bin, with the diagonal of
    perfect calibration; each point's radius grows with the number of answers in it (the
    figure of ``calibration_plot`` as numbers, for a template to draw)."""
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
    below = comparison.get("own_below_minimum", False)
    better = None
    if rank is not None:
        better = round((1 - rank) * 100) if lower_is_better else round(rank * 100)
    return {
        "width": width, "x0": 10, "x1": 10 + plot,
        "q1": x(comparison["q1"]), "q3": x(comparison["q3"]), "median": x(comparison["median"]),
        "iqr": max(x(comparison["q3"]) - x(comparison["q1"]), 2.0),
        "own": None if own is None or below else x(own), "n": comparison["n"], "better": better,
        "own_below_minimum": below, "own_n": comparison.get("own_n"),
        "left_out": comparison.get("left_out", 0), "minimum": comparison.get("minimum"),
        "lower_is_better": lower_is_better,
        "q1_text": fmt(comparison["q1"]), "median_text": fmt(comparison["median"]),
        "q3_text": fmt(comparison["q3"]), "own_text": fmt(own),
    }
