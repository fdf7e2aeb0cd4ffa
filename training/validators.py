"""Bounds on values a user types, shared by the pages' forms and the API's serializers.

A day filter becomes a range of instants in the site's time zone (midnight of the first
day to midnight after the last); at the ends of Python's calendar (0001-01-01, 9999-12-31)
that arithmetic overflows. No activity of Vigil lies outside ``FIRST_DAY``…``LAST_DAY``, so
a day outside it is refused as a mistake, with the field named, rather than searched for.
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


@deconstructible
class DayInRange:
    """Refuse a day before ``FIRST_DAY`` or after ``LAST_DAY`` (a Django validator, which
    DRF's fields run too)."""

    def __call__(self, value: date) -> None:
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError(
                _("Choose a day between %(first)s and %(last)s."), code="day_out_of_range",
                params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DayInRange)


day_in_range = DayInRange()
