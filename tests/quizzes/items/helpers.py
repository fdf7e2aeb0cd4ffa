"""Posted forms for the units' parsers, as Django hands them over (a QueryDict)."""
from django.http import QueryDict


def form(**fields) -> QueryDict:
    """A POST with these fields; a list value posts the field once per element."""
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data
