"""The charts stay readable: period labels inside the figure and never overlapping, intervals drawn,
labels written whole, axes in the unit of the values."""
import re

import pytest

from progress.charts import Bar, bar_chart, grouped_bar_chart, hbar_chart, histogram, line_chart


def _labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>(Week \d+ of 2026)</text>', svg)]


@pytest.mark.parametrize("weeks", [2, 5, 12, 30])
def test_period_labels_fit_and_do_not_overlap(weeks):
    periods = [f"Week {w} of 2026" for w in range(1, weeks + 1)]
    svg = line_chart(periods, [("Automation bias", [0.3] * weeks)], title="t", desc="d", width=560)
    labels = _labels(svg)
    width = len(periods[-1]) * 6.2
    assert labels[0][1] == periods[0] and labels[-1][1] == periods[-1]
    assert all(width / 2 <= x <= 560 - width / 2 for x, _text in labels)
    assert all(b - a >= width for (a, _), (b, _) in zip(labels, labels[1:]))


@pytest.mark.parametrize("width", [320, 560])
@pytest.mark.parametrize("weeks", [2, 3, 4, 9, 26])
def test_long_period_labels_never_run_together(weeks, width):
    """French week labels are longer; on a narrow chart fewer are printed, never touching."""
    periods = [f"Semaine {w} de 2026" for w in range(1, weeks + 1)]
    svg = line_chart(periods, [("Biais", [0.3] * weeks)], title="t", desc="d", width=width)
    labels = [(float(x), t) for x, t in re.findall(r'<text x="([\d.]+)"[^>]*>(Semaine \d+ de 2026)</text>', svg)]
    assert labels[-1][1] == periods[-1]
    half = len(periods[-1]) * 6.6 / 2
    assert all(half <= x <= width - half for x, _t in labels)
    assert all(b - a >= 2 * half + 10 for (a, _), (b, _) in zip(labels, labels[1:]))


def test_the_line_chart_draws_each_interval_as_a_whisker():
    svg = line_chart(["W1", "W2", "W3"], [("Automation bias", [0.5, None, 0.25], [(0.2, 0.8), None, (0.05, 0.6)])],
                     title="t", desc="d")
    whiskers = re.findall(r'<path d="M([\d.]+) ([\d.]+)V([\d.]+)[^"]*"[^>]*class="interval"', svg)
    assert len(whiskers) == 2  # none where the value is undefined
    (x1, low1, high1), _second = whiskers
    assert float(low1) > float(high1)  # the low bound is lower on the page (larger y)


def test_bar_labels_are_written_whole():
    label = "Appropriate reliance: right calls to accept or override"
    chart = bar_chart([Bar(label=label, value=0.5, text="50%")])
    assert chart["rows"][0].short == label
    assert chart["width"] >= len(label) * 6.6


def test_hbar_labels_wrap_instead_of_being_cut():
    svg = hbar_chart([("FM4 Fabricated or unsupported reference in the text", 0.4)], title="t", desc="d")
    assert "…" not in svg
    assert ">FM4 Fabricated or unsupported<" in svg and ">reference in the text<" in svg


def test_a_long_french_label_keeps_every_word_on_up_to_four_lines():
    label = "FM2 Omission d'un élément important du dossier (antécédent, allergie, traitement en cours)"
    svg = hbar_chart([(label, 0.4)], title="t", desc="d")
    shown = " ".join(re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg))
    assert "…" not in svg and shown.replace("&#x27;", "'") == label


def test_a_profile_bar_label_too_long_for_the_widest_figure_wraps_above_its_bar():
    label = "Confiance appropriée : bonnes décisions d'accepter ou de corriger la sortie de l'IA"
    row = bar_chart([Bar(label=label, value=0.5, text="50 %")])["rows"][0]
    assert " ".join(text for _y, text in row.lines) == label and len(row.lines) == 2
    assert row.bar_y > row.lines[-1][0]


def test_a_narrow_histogram_marks_its_axis_in_percent():
    svg = histogram([1, 0, 2, 0, 0, 0, 0, 0, 0, 3], [str(i) for i in range(10)], title="t", desc="d",
                    x_label="Mean score", y_label="Trainees", width=320, height=190,
                    edges=[f"{i * 10}%" for i in range(11)], edge_every=2)
    ticks = re.findall(r'>(\d+%)</text>', svg)
    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_bar_charts_draw_each_interval_as_a_whisker():
    hbar = hbar_chart([("Automation bias", 0.4, (0.17, 0.69)), ("Aversion", None, None)], title="t", desc="d")
    assert hbar.count('class="interval"') == 1  # none for the undefined rate
    grouped = grouped_bar_chart([("Whole cohort", [0.8, 0.2], [(0.6, 0.9), None])], ["AI right", "AI wrong"],
                                title="t", desc="d")
    assert grouped.count('class="interval"') == 1
