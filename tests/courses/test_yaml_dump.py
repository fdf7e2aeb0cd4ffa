"""The YAML writer of the exporter: whatever the text, it reads back unchanged.

Literal and folded block styles make exports pleasant to edit, and PyYAML has edge cases
with both (leading spaces, runs of spaces, Unicode line separators); this pins them.
"""
import yaml
from hypothesis import given
from hypothesis import strategies as st

from courses.packages.exporter import dump_yaml

_TRICKY = st.lists(st.sampled_from([
    "a", "word", " ", "  ", "\t", "\n", ": ", "- ", "#", "'", '"', ">", "|", "é", "x" * 40, "\u2028", "\x85",
]), max_size=40).map("".join)


@given(st.one_of(st.text(), _TRICKY), st.lists(st.text(max_size=12), max_size=4))
def test_any_text_survives_the_yaml_dumper(text, codes):
    data = {"body": text, "codes": codes, "nested": [{"t": text}]}

    assert yaml.safe_load(dump_yaml(data)) == data
