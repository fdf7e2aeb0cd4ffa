"""The error of a package that cannot be imported: every problem, each with its path.

A path names the place in course.yaml, e.g. ``modules[2].cases[0].items[1].key.spans[0]``;
"" is the document itself. Authors fix a package in one pass only if they see every
problem at once, so validation collects them all before raising this.
"""
from django.utils.translation import ngettext

from training.text import visible

Problem = tuple[str, str]  # (path, message)


def problems_by_path(problems: list[Problem]) -> dict[str, list[str]]:
    """Problems in the API error shape, {path: [messages]} (the document itself: non_field_errors)."""
    errors: dict[str, list[str]] = {}
    for path, message in problems:
        errors.setdefault(path or "non_field_errors", []).append(message)
    return errors


class PackageError(Exception):
    """``errors`` is the list of (path, message), in the order they appear in the file."""

    def __init__(self, errors: list[Problem], message: str | None = None):
        # A message may quote the file (a duplicate key, a value the schema refuses): a NUL or
        # a lone surrogate quoted as is could not be sent back.
        self.errors = [(visible(path), visible(message)) for path, message in errors]
        count = len(self.errors)
        self.message = message or ngettext(
            "The course package is not valid (%(count)d problem).",
            "The course package is not valid (%(count)d problems).",
            count,
        ) % {"count": count}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, list[str]]:
        """The problems in the API error shape: {path: [messages]}."""
        return problems_by_path(self.errors)

    def lines(self, root_name: str = "course.yaml") -> list[str]:
        """One ``path: message`` line per problem; the document itself is named ``root_name``."""
        return [f"{path or root_name}: {message}" for path, message in self.errors]
