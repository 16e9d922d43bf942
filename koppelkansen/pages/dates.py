"""Dates, in one place: the grammar of front-matter dates (``JJJJ``, ``JJJJ-MM``, ``JJJJ-MM-DD``),
their validity and sort order, and how they are written in Dutch.

The schema check, the page model, the scaffold, the versions, every overview and every PDF read and
write dates through these functions, so that they never disagree on what a date is or on a month
name.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_is_valid(value: object) -> bool:
    """``JJJJ``, ``JJJJ-MM`` or ``JJJJ-MM-DD`` naming a day that exists."""
    if not isinstance(value, str):
        return True  # the type check reports this
    match = _DATE.match(value)
    if not match:
        return True  # the pattern check reports this
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    assert year is not None  # the pattern requires a year before a month
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def date_sort_key(value: str) -> tuple[int, int, int]:
    match = _DATE.match(value)
    if not match:
        return (9999, 99, 99)
    year, month, day = match.groups()
    return (int(year), int(month or 0), int(day or 0))


def is_date(value: str) -> bool:
    """Whether ``value`` is a front-matter date that exists (``JJJJ``, ``JJJJ-MM`` or ``JJJJ-MM-DD``)."""
    return value.isascii() and bool(_DATE.fullmatch(value)) and date_is_valid(value)


def is_day(value: str) -> bool:
    """Whether ``value`` is a real day written ``JJJJ-MM-DD``."""
    match = _DATE.fullmatch(value) if value.isascii() else None
    return bool(match and match.group(3)) and date_is_valid(value)


MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_day(day: date) -> str:
    """``date(2018, 10, 31)`` → ``31 oktober 2018``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_date(value: str) -> str:
    """``2018-10-31`` → ``31 oktober 2018``; ``2018-10`` → ``oktober 2018``; ``2018`` → ``2018``.

    A value that is no such date comes back unchanged (the front-matter check reports it).
    """
    if not is_date(value):  # month 13, 31 February: written as they are
        return value
    year, month, day = date_sort_key(value)
    if not month:
        return str(year)
    if not day:
        return f"{MONTHS[month - 1]} {year}"
    return f"{day} {MONTHS[month - 1]} {year}"
