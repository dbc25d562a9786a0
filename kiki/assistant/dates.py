"""Dates in questions: "who owned the ledger service last March?" asks about the
graph as it was then. `extract(question, today)` finds one date phrase, removes
it from the question and returns the day it means.

The rule for periods: a state question about a month, quarter or year ("in
March 2026", "last quarter", "last year") is answered for the last day of that
period, or for today when the period is the current one; the answer names the
day it used. Relative phrases ("a year ago", "3 months ago", "yesterday") and
explicit dates ("2026-03-01", "3 March 2026", "March 3, 2026") mean that day.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PREP = r"(?:(?:as of|as at|at the end of|at end of|by the end of|on|at|in|during|back in|by|since)\s+)?"
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

PATTERNS = [
    ("iso", rf"{_PREP}(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"),
    ("day_month_year", rf"{_PREP}(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH},? (?P<year>\d{{4}})"),
    ("month_day_year", rf"{_PREP}{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})"),
    ("month_year", rf"{_PREP}{_MONTH},? (?P<year>\d{{4}})"),
    ("last_month_name", rf"{_PREP}last {_MONTH}"),
    ("ago", r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) "
            r"(?P<unit>day|week|month|year)s? ago"),
    ("yesterday", r"yesterday"),
    ("last_period", rf"{_PREP}(?:the )?(?:last|previous|past) (?P<period>month|quarter|year)"),
    ("this_period", rf"{_PREP}(?:this|the current) (?P<period>month|quarter|year)"),
    ("year", rf"{_PREP}(?P<year>(?:19|20)\d{{2}})"),
    ("month_name", rf"(?:in|during|back in|since) {_MONTH}"),
]
_COMPILED = [(name, re.compile(rf"(?:^|(?<=[\s,]))(?:{p})(?=$|[\s,?.!])", re.I)) for name, p in PATTERNS]


class DateError(ValueError):
    """A date phrase that names no real day (e.g. 31 February)."""


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(day=31)


def _cap(day: date, today: date) -> date:
    return min(day, today)


def _months_back(today: date, n: int) -> date:
    # The same day n months back, or that month's last day when it is shorter.
    return today - relativedelta(months=n)


def _resolve(name: str, m: re.Match, today: date) -> date:
    g = m.groupdict()
    month = MONTHS.get((g.get("month") or "").lower().rstrip("."))
    if name == "iso":
        return date.fromisoformat(g["iso"])
    if name in ("day_month_year", "month_day_year"):
        return date(int(g["year"]), month, int(g["day"]))
    if name == "month_year":
        return _cap(_end_of_month(int(g["year"]), month), today)
    if name == "last_month_name":
        # The most recent such month before the current one.
        year = today.year if month < today.month else today.year - 1
        return _end_of_month(year, month)
    if name == "month_name":
        year = today.year if month <= today.month else today.year - 1
        return _cap(_end_of_month(year, month), today)
    if name == "ago":
        n = g["n"].lower()
        n = _NUMBER_WORDS[n] if n in _NUMBER_WORDS else int(n)
        unit = g["unit"].lower()
        if unit == "day":
            return today - timedelta(days=n)
        if unit == "week":
            return today - timedelta(weeks=n)
        return _months_back(today, n * (12 if unit == "year" else 1))
    if name == "yesterday":
        return today - timedelta(days=1)
    if name == "last_period":
        period = g["period"].lower()
        if period == "month":
            return today.replace(day=1) - timedelta(days=1)
        if period == "year":
            return date(today.year - 1, 12, 31)
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return quarter_start - timedelta(days=1)
    if name == "this_period":
        return today
    if name == "year":
        return _cap(date(int(g["year"]), 12, 31), today)
    raise AssertionError(name)


def _find(question: str, today: date) -> tuple[str, re.Match, date, str] | None:
    """The first date phrase in the question: (its pattern's name, the match,
    the day it names, the question without it), or None. Raises DateError for
    a phrase that names an impossible day."""
    for name, pattern in _COMPILED:
        m = pattern.search(question)
        if not m:
            continue
        try:
            day = _resolve(name, m, today)
        except ValueError as e:
            raise DateError(f"“{m.group(0).strip()}” is not a date I can read: {e}") from None
        rest = re.sub(r"\s+", " ", question[:m.start()] + " " + question[m.end():]).strip(" ,")
        return name, m, day, rest
    return None


def extract(question: str, today: date | None = None) -> tuple[str, str | None]:
    """(question without the date phrase, 'YYYY-MM-DD' or None). Raises
    DateError for a phrase that names an impossible day."""
    found = _find(question, today or date.today())
    if not found:
        return question, None
    _, _, day, rest = found
    return rest, day.isoformat()


def _start(name: str, m: re.Match, end: date, today: date) -> date:
    """First day of the period a phrase names (the day itself for a day)."""
    g = m.groupdict()
    if name in ("month_year", "last_month_name", "month_name"):
        return end.replace(day=1)
    if name in ("year",):
        return date(end.year, 1, 1)
    if name in ("last_period", "this_period"):
        period = g["period"].lower()
        if name == "this_period":
            end = today
        if period == "month":
            return end.replace(day=1)
        if period == "year":
            return date(end.year, 1, 1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return end


DEFAULT_WINDOW_DAYS = 90


def window(question: str, today: date | None = None) -> tuple[str, str, str]:
    """(question without the date phrase, since, until) for "what changed"
    questions: a period phrase is that period ("this quarter": its first day
    to today; "last month": that month); a day or "since …" runs to today; no
    phrase means the last 90 days. Raises DateError like `extract`."""
    today = today or date.today()
    found = _find(question, today)
    if not found:
        return question, (today - timedelta(days=DEFAULT_WINDOW_DAYS)).isoformat(), today.isoformat()
    name, m, end, rest = found
    start = _start(name, m, end, today)
    if start == end or m.group(0).strip().lower().startswith("since"):
        end = today
    return rest, start.isoformat(), end.isoformat()


# With a date, questions come in the past tense: map the verbs the question
# patterns know back to the present ("who owned X last March" -> "who owns X").
_PAST = [(r"\bowned\b", "owns"), (r"\bled\b", "leads"), (r"\bran\b", "runs"), (r"\bheaded\b", "heads"),
         (r"\bmanaged\b", "manages"), (r"\bmaintained\b", "maintains"), (r"\breported\b", "reports"),
         (r"^(who|what|which)(?: team)? was\b", r"\1 is"), (r"^(who|what|which) were\b", r"\1 are"),
         (r"\bwas\b", "is"), (r"\bwere\b", "are"), (r"\bdid (.+) have\b", r"does \1 have"),
         (r"\bworked\b", "works")]


def present_tense(question: str) -> str:
    for pattern, repl in _PAST:
        question = re.sub(pattern, repl, question, flags=re.I)
    return question
