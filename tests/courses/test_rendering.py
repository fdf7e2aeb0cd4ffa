"""Markdown rendering: bounded work on adversarial input, and the length limit of authored texts.

No test here is timed; ``bench/markdown.py`` measures the time. These tests pin what a
pathological text renders to (its characters, escaped, as text) and count the characters the
link patterns examine, which is what used to grow with the square of the length.
"""
import html
import re

import pytest

from courses import rendering
from courses.rendering import MAX_MARKDOWN_CHARS, MAX_NESTING, markdown_length_problem, render_markdown


@pytest.mark.parametrize("unit", ["[", "![", "[a](", "[a][", "(", "<a ", "<http", "`", "&"])
def test_unbalanced_markers_render_as_their_escaped_text(unit):
    text = unit * (20_000 // len(unit))
    assert render_markdown(text) == f"<p>{html.escape(text, quote=False)}</p>"


def test_a_line_of_20_kb_of_stars_or_underscores_is_a_rule():
    assert render_markdown("*" * 20_000) == render_markdown("_" * 20_000) == "<hr>"


def test_20_kb_of_brackets_is_one_paragraph_of_brackets():
    assert render_markdown("[" * 20_000) == "<p>" + "[" * 20_000 + "</p>"


def test_the_link_patterns_examine_a_number_of_characters_linear_in_the_length(monkeypatch):
    scanned = []
    bounded_text = rendering._bounded_text

    def counting(budget):
        get_text = bounded_text(budget)

        def counted(data, index):
            text, end, handled = get_text(data, index)
            scanned.append(end - index)
            return text, end, handled
        return counted

    monkeypatch.setattr(rendering, "_bounded_text", counting)
    for n in (20_000, 200_000):
        scanned.clear()
        render_markdown("[" * n)
        # Python-Markdown alone scans n*(n-1)/2 characters (2·10^10 for 200 KB).
        assert sum(scanned) <= 3 * n + 20_000


def test_a_line_of_10000_quote_markers_opens_at_most_the_nesting_limit():
    out = render_markdown(">" * 10_000)
    assert out.count("<blockquote>") == MAX_NESTING
    assert "&gt;" * (10_000 - MAX_NESTING) in out


def test_lists_nested_on_one_line_stop_at_the_nesting_limit():
    out = render_markdown("- " * 10_000 + "x")
    assert out.count("<ul>") == MAX_NESTING
    assert "- " * 100 in out and out.count("<li>") == MAX_NESTING


def test_a_text_denser_in_elements_than_any_lesson_is_shown_as_plain_text():
    out = render_markdown("*a*\n\n" * 30_000)
    assert out == "<p>*a*</p>\n" * 30_000
    assert "<em>" not in out


def test_inline_matches_in_one_huge_paragraph_stop_once_their_budget_is_spent():
    out = render_markdown("`a` " * 25_000)  # each code span rebuilds the 100 KB paragraph
    assert out.startswith("<p><code>a</code> <code>a</code>") and out.endswith("`a` `a` </p>")
    assert 0 < out.count("<code>") < 1_000


def test_the_demo_content_renders_as_with_plain_python_markdown():
    """The bounds never touch real content: every demo text renders as it did before them."""
    from pathlib import Path

    import markdown
    import nh3
    import yaml

    texts = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for entry in value.values():
                walk(entry)
        elif isinstance(value, list):
            for entry in value:
                walk(entry)

    for file in sorted(Path(__file__).resolve().parents[2].glob("demo/courses/*/course.yaml")):
        walk(yaml.safe_load(file.read_text(encoding="utf-8")))
    assert len(texts) > 1000
    for text in texts:
        plain = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        plain = nh3.clean(plain, tags=rendering._TAGS, attributes=rendering._ATTRIBUTES,
                          url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
        assert render_markdown(text) == plain, text[:80]


def test_the_length_limit_is_generous_and_says_by_how_much():
    assert markdown_length_problem("x" * MAX_MARKDOWN_CHARS) is None
    assert markdown_length_problem("x" * (MAX_MARKDOWN_CHARS + 1)) == (
        "is 100001 characters long; at most 100000 are accepted"
    )
    assert re.match(r"^\d+$", str(MAX_MARKDOWN_CHARS)) and MAX_MARKDOWN_CHARS >= 100_000
