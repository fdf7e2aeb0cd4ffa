"""The trend chart's period labels stay readable: inside the figure, never overlapping."""
import re

import pytest

from progress.charts import line_chart


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
