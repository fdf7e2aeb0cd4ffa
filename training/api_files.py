"""Content negotiation of endpoints that answer with a file (a package, an export, a PDF)."""
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation


class FileNegotiation(BaseContentNegotiation):
    """Neither the ``format`` query parameter nor the Accept header picks a renderer: the view
    decides what file it sends (``?format=yaml`` names the file's kind) and errors are JSON.

    DRF's default would answer 404 to ``?format=yaml`` (no renderer of that name) and 406 to
    ``Accept: application/zip``.
    """

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = next((r for r in renderers if r.format == "json"), renderers[0])
        return renderer, renderer.media_type


class FileUploadNegotiation(FileNegotiation):
    """As ``FileNegotiation`` for what is sent back, but a request's body is parsed by its own
    content type, as DRF does (a body none of the view's parsers reads is a 415), for an endpoint
    that sends a file and also takes one."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)
