"""Media files: the intrinsic size of an image, read from its header."""
from courses.packages.media import image_size

# A PNG header of 64 × 32 pixels.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x40\x00\x00\x00\x20\x08\x02\x00\x00\x00" + b"\x00" * 40


def test_a_png_size_is_read_from_its_header():
    assert image_size(PNG, "image/png") == (64, 32)


def test_an_svg_size_is_read_from_its_attributes():
    assert image_size(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"></svg>', "image/svg+xml") == (120, 80)


# --- SVG: parsed and checked against an allowlist ---------------------------------------------

import pytest  # noqa: E402

from courses.packages.media import MediaProblem, check_content, media_file, upload_content_type  # noqa: E402

NS = 'xmlns="http://www.w3.org/2000/svg"'
ATTACKS = {
    "prefixed SVG script": b'<svg xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>',
    "XHTML script": b'<svg ' + NS.encode() + b'><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
    "character reference in javascript:": (
        b'<svg ' + NS.encode() + b' xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="jav&#x61;script:alert(1)"><rect width="9" height="9"/></a></svg>'
    ),
    "plain script": b'<svg ' + NS.encode() + b'><script>alert(1)</script></svg>',
    "event handler": b'<svg ' + NS.encode() + b' onload="alert(1)"/>',
    "prefixed event handler": b'<svg ' + NS.encode() + b'><rect ONCLICK="alert(1)"/></svg>',
    "foreignObject": (
        b'<svg ' + NS.encode() + b'><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
        b'<img src="x" onerror="alert(1)"/></body></foreignObject></svg>'
    ),
    "animated href": b'<svg ' + NS.encode() + b'><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>',
    "external use": b'<svg ' + NS.encode() + b'><use href="https://evil.example/x.svg#a"/></svg>',
    "external image": b'<svg ' + NS.encode() + b'><image href="https://evil.example/track.png"/></svg>',
    "style with an external url": b'<svg ' + NS.encode() + b'><rect style="fill:url(https://evil.example/a)"/></svg>',
    "style sheet import": b'<svg ' + NS.encode() + b'><style>@import "https://evil.example/a.css";</style></svg>',
    "style escape": b'<svg ' + NS.encode() + b'><style>rect { fill: u\\72l(https://evil.example) }</style></svg>',
    "entity bomb": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<svg ' + NS.encode() + b'><text>&b;</text></svg>'
    ),
    "style sheet instruction": (
        b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="evil.xsl"?><svg ' + NS.encode() + b'/>'
    ),
    "not well-formed": b'<svg ' + NS.encode() + b'><rect></svg>',
}


@pytest.mark.parametrize("content", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_svg_with_anything_outside_the_allowlist_is_refused(content):
    with pytest.raises(MediaProblem) as problem:
        check_content(content, "image/svg+xml")
    assert str(problem.value).startswith("SVG files may hold only drawing elements")


@pytest.mark.parametrize(("content", "named"), [
    (ATTACKS["prefixed SVG script"], "<script>"),
    (ATTACKS["XHTML script"], "<script (http://www.w3.org/1999/xhtml)>"),
    (ATTACKS["character reference in javascript:"], "the link javascript:alert(1) on <a>"),
    (ATTACKS["event handler"], "the event handler onload on <svg>"),
    (ATTACKS["external use"], "https://evil.example/x.svg#a"),
    (ATTACKS["entity bomb"], "<!ENTITY>"),
])
def test_the_refusal_names_what_was_found(content, named):
    with pytest.raises(MediaProblem) as problem:
        check_content(content, "image/svg+xml")
    assert named in str(problem.value)


BENIGN = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- drawn by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 200 100"
     role="img" aria-label="A chest radiograph" inkscape:version="1.3">
  <title>Chest radiograph</title>
  <defs>
    <linearGradient id="lung" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#222"/><stop offset="1" stop-color="#999" stop-opacity="0.8"/>
    </linearGradient>
    <radialGradient id="glow"><stop offset="0" stop-color="red"/></radialGradient>
    <clipPath id="clip"><rect width="200" height="100"/></clipPath>
    <filter id="blur"><feGaussianBlur stdDeviation="2"/></filter>
    <style>.label { font: 12px sans-serif; fill: url(#lung) }</style>
  </defs>
  <g clip-path="url(#clip)" transform="translate(10 10)">
    <path d="M10 10 C 40 80, 60 80, 90 10 Z" fill="url(#lung)" stroke="#000" stroke-width="2"/>
    <ellipse cx="150" cy="50" rx="30" ry="20" fill="url('#glow')" filter="url(#blur)" style="opacity:.5"/>
    <use xlink:href="#lung-outline"/>
    <text x="10" y="95" class="label" xml:lang="en">Portable AP &amp; supine</text>
  </g>
</svg>"""


def test_a_benign_svg_with_gradients_paths_and_text_is_accepted():
    check_content(BENIGN, "image/svg+xml")
    assert media_file("media/cxr.svg", BENIGN).content_type == "image/svg+xml"
    assert upload_content_type("cxr.svg", BENIGN) == "image/svg+xml"


def test_the_demo_svgs_are_accepted():
    from pathlib import Path

    files = sorted(Path(__file__).resolve().parents[2].glob("demo/courses/*/media/*.svg"))
    assert files
    for file in files:
        check_content(file.read_bytes(), "image/svg+xml")
