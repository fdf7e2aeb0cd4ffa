"""How long ``courses.rendering.render_markdown`` takes on adversarial texts, as a ratio to a
normal lesson of the same size.

    .venv/bin/python bench/markdown.py            # 20 KB and 200 KB, best of 3
    .venv/bin/python bench/markdown.py 20000 -r 5

The normal lesson is every Markdown text of the demo course, joined and cut to the size.
Each adversarial text repeats one unit to the size (or nests 10,000 levels). A ratio near 1
means the text costs what a lesson of its size costs; before the bounds of
``courses.rendering``, 20 KB of ``[`` took 57 s (a ratio in the thousands) and grew with
the square of the length. No test is timed; this script is where the time is read.
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is named markdown.py: its own folder must not hide the markdown package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402

from courses.rendering import render_markdown  # noqa: E402

MARKDOWN_FIELDS = {"body", "vignette", "prompt", "rationale", "explanation", "summary", "text"}
UNITS = {
    "[": "[", "(": "(", "<": "<", "*": "*", "_": "_", "`": "`", "![": "![", "[a](": "[a](",
    "[a][": "[a][", "<a ": "<a ", "\\": "\\", "&": "&", "`a` ": "`a` ", "*a* ": "*a* ", "[a](b) ": "[a](b) ",
    "*a*\\n\\n": "*a*\n\n", "a\\n-\\n": "a\n-\n", "- \\n": "- \n", "# a\\n": "# a\n", "- a\\n\\n": "- a\n\n",
    "| a | b |\\n": "| a | b |\n",
}
NESTED = {
    "> x 10,000 (one line)": ">" * 10_000 + " x",
    "- x 10,000 (one line)": "- " * 10_000 + "x",
    "> x 10,000 (lines)": "".join(">" * i + " x\n" for i in range(1, 200)),
    "nested list x 200": "".join("    " * i + "- x\n" for i in range(200)),
    "16 > per line x 1,000": ("> " * 16 + "x\n") * 1_000,
}


def demo_texts() -> list[str]:
    texts = []

    def walk(value, key=""):
        if isinstance(value, str) and key in MARKDOWN_FIELDS:
            texts.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)

    walk(yaml.safe_load((ROOT / "demo/courses/ai-literacy-clinicians/course.yaml").read_text(encoding="utf-8")))
    return texts


def best(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_markdown(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000, 200_000])
    parser.add_argument("-r", "--runs", type=int, default=3)
    args = parser.parse_args()
    lesson = "\n\n".join(demo_texts())
    for size in args.sizes:
        normal_text = (lesson * (size // len(lesson) + 1))[:size]
        normal = best(normal_text, args.runs)
        print(f"\n{size:,} characters: a normal lesson takes {normal * 1000:.1f} ms")
        print(f"{'text':<26} {'ms':>9} {'ratio':>7}")
        cases = {name: unit * (size // len(unit)) for name, unit in UNITS.items()}
        if size == args.sizes[0]:
            cases.update(NESTED)
        for name, text in cases.items():
            took = best(text, args.runs)
            ratio = took / best(normal_text[:len(text)], 1) if len(text) != size else took / normal
            print(f"{name:<26} {took * 1000:>9.1f} {ratio:>7.1f}")


if __name__ == "__main__":
    main()
