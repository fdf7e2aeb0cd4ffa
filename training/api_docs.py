"""The API's Swagger UI at /api/docs/, under the site's Content-Security-Policy: its files come
from drf-spectacular-sidecar (``SWAGGER_UI_DIST = "SIDECAR"``), its start script is a second
request to the same address (``?script``) rather than inline, its page styles a static file;
only images may also be ``data:`` URIs (Swagger UI's icons)."""
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


def api_docs_view(**kwargs):
    return csp_update({"img-src": ["data:"]})(ApiDocsView.as_view(**kwargs))
