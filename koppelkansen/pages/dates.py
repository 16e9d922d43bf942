"""Dutch dates, in one place: front-matter dates (``JJJJ``, ``JJJJ-MM``, ``JJJJ-MM-DD``) and days.

Every page, overview and PDF writes dates through these functions, so that the site and the PDFs
never disagree on a month name.
"""

from __future__ import annotations

from datetime import date

from koppelkansen.check.schema import date_sort_key

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
    year, month, day = date_sort_key(value)
    if year == 9999:
        return value
    if not month:
        return str(year)
    if not day:
        return f"{MONTHS[month - 1]} {year}"
    return f"{day} {MONTHS[month - 1]} {year}"
