"""Parse group chat exports (WeChat, DingTalk) into messages per member and trial day.

Plain functions, no Flask: the text a user saves from a group is all they take.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DATE = r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
TIME = r"(?P<t>\d{1,2}:\d{2}(?::\d{2})?)"
NAME = r"(?P<name>[^\s\d:：][^\t]*?)"
# "2016-06-02 09:15:32 张三" (WeChat export tools) or "张三 2016/6/2 9:15" (DingTalk);
# a name may carry a phone number in brackets: "张三(13800138000)".
HEADERS = [re.compile(rf"^\s*{DATE}\s+{TIME}\s+{NAME}\s*[:：]?\s*$"),
           re.compile(rf"^\s*{NAME}\s+{DATE}\s+{TIME}\s*$"),
           re.compile(rf"^\s*\[?{DATE}\s+{TIME}\]?\s+{NAME}\s*[:：]\s*\S.*$")]
PHONE_IN_NAME = re.compile(r"[(（]\s*(1\d{10})\s*[)）]")
SYSTEM = ("撤回了一条消息", "加入了群聊", "邀请", "移出了群聊", "修改群名为", "recalled a message")


@dataclass(frozen=True)
class Sender:
    """Who sent a message: the display name and, when shown, a phone number."""

    name: str
    phone: str | None


def sender_of(raw: str) -> Sender:
    """Split a display name from a phone number in brackets."""
    match = PHONE_IN_NAME.search(raw)
    name = PHONE_IN_NAME.sub("", raw).strip()
    return Sender(name, match.group(1) if match else None)


def header(line: str) -> tuple[datetime, str] | None:
    """Return the time and sender of a message header line, or None."""
    for pattern in HEADERS:
        match = pattern.match(line)
        if match:
            parts = match.groupdict()
            hh, mm = parts["t"].split(":")[:2]
            when = datetime(int(parts["y"]), int(parts["m"]), int(parts["d"]), int(hh), int(mm))
            return when, parts["name"].strip()
    return None


def trial_day(when: datetime, start: date, days: int) -> int | None:
    """Return the trial day (1..days) of a local time, or None outside the trial."""
    day = (when.date() - start).days + 1
    return day if 1 <= day <= days else None


def parse_chat(text: str, start: date, days: int = 7) -> Counter:
    """Count messages per (sender, day) in a chat export; system notices are not messages."""
    counts: Counter = Counter()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        found = header(line)
        if found is None:
            continue
        when, raw = found
        body = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if any(s in raw or s in body for s in SYSTEM):
            continue
        day = trial_day(when, start, days)
        if day is not None:
            counts[(sender_of(raw), day)] += 1
    return counts


def day_of(value: str, start: date, days: int) -> int | None:
    """Read a day column that holds a trial day number or a date."""
    value = value.strip()
    if value.isdigit() and 1 <= int(value) <= days:
        return int(value)
    match = re.match(DATE, value)
    if match:
        when = date(int(match["y"]), int(match["m"]), int(match["d"]))
        return trial_day(datetime.combine(when, datetime.min.time()), start, days)
    return None


def days_between(start: date, days: int) -> list[date]:
    """Return the calendar dates of the trial days."""
    return [start + timedelta(days=i) for i in range(days)]
