"""Content-Security-Policy (django-csp) on every response, strict enough that an injected
inline script, handler or style would not run; the API docs served from the package
drf-spectacular-sidecar, never from a CDN."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.inline_styles = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "style" or "style" in attrs:
            self.inline_styles += 1


def links(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/verify/", "/api/docs/", "/api/v1/me/attestations/"])
def test_every_response_carries_the_policy(url):
    p = policy(Client().get(url))
    assert p["default-src"] == ["'self'"]
    assert p["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in p["script-src"] and "'unsafe-eval'" not in p["script-src"]
    assert "'unsafe-inline'" not in p["style-src"]
    assert p["object-src"] == ["'none'"]
    assert p["base-uri"] == ["'self'"]
    assert p["form-action"] == ["'self'"]
    assert p["frame-ancestors"] == ["'none'"]


def test_pages_load_images_from_the_site_only():
    assert policy(Client().get("/"))["img-src"] == ["'self'"]


def test_the_api_docs_use_only_local_files():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    found = links(response)
    assert found.urls, "no script or stylesheet found"
    for url in found.urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not re.search(rb"https?://", response.content)
    assert found.inline_scripts == 0 and found.inline_styles == 0
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert any(u.endswith(name) for u in found.urls), name
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name


def test_the_api_docs_start_script_is_a_file_of_the_site():
    found = links(Client().get("/api/docs/"))
    start = next(u for u in found.urls if "script" in u and "swagger-ui" not in u)
    response = Client().get(start)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content


def _templates():
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" not in path.parts and "tests" not in path.parts:
            yield path


def test_no_template_has_an_inline_script_handler_or_style():
    """The policy would block them: scripts and styles are static files; values a script
    needs travel in data- attributes or a json_script block."""
    inline_script = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    style = re.compile(r"<style\b|\sstyle\s*=", re.I)
    offenders = []
    for path in _templates():
        text = path.read_text()
        for name, pattern in (("inline script", inline_script), ("handler", handler), ("style", style)):
            offenders += [f"{path.relative_to(ROOT)}: {name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert not offenders, "\n".join(offenders)
