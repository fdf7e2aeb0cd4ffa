"""The one application error type: a request that cannot be carried out, and where it is wrong.

Services raise it whatever calls them (a page, an API view, a task, a management command), so
it knows nothing of DRF; ``training.api_errors`` turns it, DRF's errors and Django's
``ValidationError`` into the one JSON shape of the API, and pages show its message beside
the fields it names.
"""


class ApplicationError(Exception):
    """Says what is wrong (``message``) and where (``errors``: field path -> messages)."""

    status_code = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, *, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status_code is not None:
            self.status_code = status_code


class Conflict(ApplicationError):
    """The request clashes with the current state (a published version, a job still running)."""

    status_code = 409
