"""Parse WeChat post times (absolute and relative) against a reference time."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

CLOCK = r"(?P<h>[01]?\d|2[0-3])\s*[:：.]\s*(?P<mi>[0-5]\d)"
_YEAR = r"(?P<y>20\d\d)"
_MONTH = r"(?P<mo>1[0-2]|0?[1-9])"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_OPT_CLOCK = rf"(?:\s*{CLOCK})?"
PATTERNS = (
    ("ymd", re.compile(rf"{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*日{_OPT_CLOCK}")),
    ("ymd", re.compile(rf"{_YEAR}[-/.]{_MONTH}[-/.]{_DAY}{_OPT_CLOCK}(?![\d])")),
    ("md", re.compile(rf"(?<!\d){_MONTH}\s*月\s*{_DAY}\s*日{_OPT_CLOCK}")),
    ("dayword", re.compile(rf"(?P<w>昨天|前天|今天(?=\s*\d)){_OPT_CLOCK}")),
    ("weekday", re.compile(rf"(?:星期|周)(?P<wd>[一二三四五六日天]){_OPT_CLOCK}")),
    ("ago", re.compile(r"(?<!\d)(?P<n>\d{1,3}|半)\s*(?P<u>秒|分钟|小时|天|周|个月)前")),
    ("just", re.compile(r"刚刚")),
)
BARE_CLOCK = re.compile(rf"(?<![\d:：.]){CLOCK}(?![\d])")
_DAYWORDS = {"今天": 0, "昨天": 1, "前天": 2}
_WEEKDAYS = "一二三四五六日"
_UNITS = {"秒": (timedelta(seconds=1), "second"), "分钟": (timedelta(minutes=1), "minute"),
          "小时": (timedelta(hours=1), "hour"), "周": (timedelta(weeks=1), "week"),
          "个月": (timedelta(days=31), "month")}


@dataclass(frozen=True)
class PostTime:
    """When a post was made: the half-open span [start, end) the shown text allows."""

    text: str
    start: datetime
    end: datetime
    precision: str  # "minute", "hour", "day" ...
    value: datetime  # the nominal time the text shows

    def iso(self) -> str:
        """Return the time as ISO 8601 (a date alone when only the day is known)."""
        if self.precision == "day":
            return self.value.date().isoformat()
        return self.value.replace(second=0, microsecond=0).isoformat()

    def position(self, window_start: datetime, window_end: datetime) -> str:
        """Return "inside", "outside" or "straddles" for a half-open window."""
        if self.end <= window_start or self.start >= window_end:
            return "outside"
        if window_start <= self.start and self.end <= window_end:
            return "inside"
        return "straddles"


def _at(day: date, tz: tzinfo | None, match: re.Match[str]) -> tuple[datetime, datetime, str]:
    """Return the span of a day, or of one minute when the match holds a clock."""
    if match.groupdict().get("h") is not None:
        start = datetime.combine(day, time(int(match["h"]), int(match["mi"])), tz)
        return start, start + timedelta(minutes=1), "minute"
    start = datetime.combine(day, time(0, 0), tz)
    return start, start + timedelta(days=1), "day"


def _safe_date(year: int, month: int, day: int) -> date | None:
    """Return a date, or None for impossible ones such as 2月30日."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_of(kind: str, match: re.Match[str], now: datetime) -> date | None:
    """Return the calendar day a dated match names, relative to `now`."""
    today = now.date()
    if kind == "ymd":
        return _safe_date(int(match["y"]), int(match["mo"]), int(match["d"]))
    if kind == "md":
        day = _safe_date(today.year, int(match["mo"]), int(match["d"]))
        if day and day > today + timedelta(days=1):  # "12月30日" read in January
            day = _safe_date(today.year - 1, day.month, day.day)
        return day
    if kind == "dayword":
        return today - timedelta(days=_DAYWORDS[match["w"]])
    wanted = _WEEKDAYS.index("日" if match["wd"] == "天" else match["wd"])
    back = (today.weekday() - wanted) % 7
    return today - timedelta(days=back or 7)


def _relative(kind: str, match: re.Match[str], now: datetime) -> tuple[datetime, datetime, str]:
    """Return the span of "刚刚" or "N分钟前"-style text."""
    if kind == "just":
        return now - timedelta(minutes=1), now + timedelta(seconds=1), "minute"
    if match["u"] == "天":
        days = 0 if match["n"] == "半" else int(match["n"])
        start = datetime.combine(now.date() - timedelta(days=days), time(0, 0), now.tzinfo)
        return start, start + timedelta(days=1), "day"
    unit, precision = _UNITS[match["u"]]
    if match["n"] == "半":
        return now - unit, now - unit / 2 + timedelta(seconds=1), "minute"
    n = int(match["n"])
    return now - (n + 1) * unit, now - n * unit + timedelta(seconds=1), precision


def _to_post_time(kind: str, match: re.Match[str], now: datetime) -> PostTime | None:
    """Turn one regex match into a PostTime."""
    if kind in ("ago", "just"):
        start, end, precision = _relative(kind, match, now)
        value = min(end - timedelta(seconds=1), now)
    else:
        day = _day_of(kind, match, now)
        if day is None:
            return None
        start, end, precision = _at(day, now.tzinfo, match)
        value = start
    return PostTime(match.group(0), start, end, precision, value)


def find_times(text: str, now: datetime) -> list[PostTime]:
    """Return every post time in a text, most specific form first at each place."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, PostTime]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            parsed = _to_post_time(kind, match, now)
            if parsed:
                found.append((span[0], parsed))
    return [parsed for _, parsed in sorted(found, key=lambda item: item[0])]


def parse_post_time(text: str, now: datetime) -> PostTime | None:
    """Return the first post time in a text; a bare HH:MM is never one."""
    times = find_times(text, now)
    return times[0] if times else None


def find_bare_clock(text: str) -> str | None:
    """Return a bare HH:MM (a status-bar clock) in text, zero-padded, or None."""
    if find_times(text, datetime(2000, 1, 1)):
        return None
    match = BARE_CLOCK.search(text)
    return f"{int(match['h']):02d}:{match['mi']}" if match else None
