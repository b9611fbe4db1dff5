"""Parse group chat exports (WeChat, DingTalk) into messages per member and trial day.

Plain functions, no Flask: the text a user saves from a group is all they take.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

DATE = r"(?P<y>\d{4})(?P<sep>[-/.年])(?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
TIME = r"(?P<t>\d{1,2}:\d{2}(?::\d{2})?)"
STAMP = rf"\[?{DATE}\s+{TIME}\]?"
# A header is a whole line: "2016-06-02 09:15:32 张三" (WeChat export tools), "张三 2016/6/2 9:15"
# (DingTalk) or "[2016-06-02 09:15] 张三: text" with the message on the same line. A name may
# carry a phone number in brackets: "张三(13800138000)".
NAME = r"(?P<name>\S+?(?:[ \u3000]\S+?){0,2})"  # "Lucy Wang", "小王 🌾": up to two spaces
LAYOUTS = (("date_first", re.compile(rf"^\s*{STAMP}\s+{NAME}\s*[:：]?\s*$")),
           ("name_first", re.compile(rf"^\s*{NAME}\s+{STAMP}\s*$")),
           ("inline", re.compile(rf"^\s*{STAMP}\s+{NAME}\s*[:：]\s*(?P<body>\S.*?)\s*$")))
HAN = re.compile(r"[\u3400-\u9fff]+")
PHONE_IN_NAME = re.compile(r"[(（]\s*(1\d{10})\s*[)）]")
NOT_IN_NAME = re.compile(r"[:：，。！？；,;、]")
MAX_NAME = 16  # display names are short (WeChat caps nicknames near 16); longer ones are sentences
SYSTEM_SENDERS = {"系统消息", "系统通知", "群通知", "系统", "system"}
WHO = r"(?:你|[\"“「][^\"”」]{1,32}[\"”」]|[^\s\"“”「」了，。！？,]{1,20})"
WHOM = rf"{WHO}(?:\s*[、,，和]\s*{WHO})*(?:等\d*人)?"
# Whole notices, never a word inside a message ("今天邀请了十户村民" is a message).
NOTICES = [re.compile(rf"^{p}$") for p in (
    rf"{WHO}\s*邀请\s*{WHOM}\s*加入了?群聊?",
    rf"{WHOM}\s*通过扫描\s*{WHO}?\s*分享的\s*二维码\s*加入了?群聊?",
    rf"{WHOM}\s*(?:通过扫描二维码|通过群链接)?加入了群聊",
    rf"{WHO}\s*撤回了一条(?:成员)?消息",
    rf"{WHO}\s*将\s*{WHOM}\s*移出了?群聊?",
    rf"{WHO}\s*(?:已)?退出了?群聊?",
    rf"{WHO}\s*(?:修改群名为|修改群名称为|将群名称修改为|修改了群名称为?)\s*\S.*",
    rf"{WHO}\s*已成为新群主",
    rf"{WHOM}\s*与群里其他人都不是(?:微信)?朋友关系.*",
    r".{1,40} recalled a message\.?",
    r".{1,40} invited .{1,200} to (?:the )?group chat\.?",
    r".{1,40} (?:joined|left) the group chat\.?",
    r".{1,40} removed .{1,200} from the group chat\.?",
    r".{1,40} changed the group name to .+")]
SECONDS_SHARE = 0.9  # an export whose headers carry seconds carries them on every header
MAIN_STYLE_SHARE, MAIN_STYLE_MIN = 0.8, 10  # one export tool writes one header style


@dataclass(frozen=True)
class Sender:
    """Who sent a message: the display name and, when shown, a phone number."""

    name: str
    phone: str | None


@dataclass(frozen=True)
class Header:
    """A line that reads as a message header, with the look of its export."""

    line: int
    when: datetime
    raw: str
    style: tuple[str, str]
    seconds: bool
    body: str | None  # the text of a one-line ("inline") message


@dataclass(frozen=True)
class Message:
    """One message: when, who, and its lines of text."""

    when: datetime
    sender: Sender
    body: tuple[str, ...]


def sender_of(raw: str) -> Sender:
    """Split a display name from a phone number in brackets."""
    match = PHONE_IN_NAME.search(raw)
    name = PHONE_IN_NAME.sub("", raw).strip()
    return Sender(name, match.group(1) if match else None)


def plausible_name(raw: str) -> bool:
    """Say whether text can be a sender's name: short, no sentence punctuation."""
    name = sender_of(raw).name
    parts = name.split()
    sentence = len(parts) > 1 and (  # "今天 下午", "发货 50 单", "meet at office"
        all(HAN.fullmatch(p) for p in parts) or any(c.isdigit() for p in parts for c in p)
        or any(p.isascii() and p.isalpha() and p.islower() for p in parts))
    return 0 < len(name) <= MAX_NAME and not NOT_IN_NAME.search(name) \
        and not name[0].isdigit() and not sentence


def header(line: str, number: int = 0) -> Header | None:
    """Read a line as a message header, or None when it cannot be one."""
    for layout, pattern in LAYOUTS:
        match = pattern.match(line)
        if match is None or not plausible_name(match["name"]):
            continue
        hh, mm = match["t"].split(":")[:2]
        try:
            when = datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(hh), int(mm))
        except ValueError:  # "2016-13-45 25:00" is text, not a time
            return None
        return Header(number, when, match["name"].strip(), (layout, match["sep"]),
                      match["t"].count(":") == 2, match.groupdict().get("body"))
    return None


def _blank_separated(lines: list[str], found: list[Header]) -> bool:
    """Say whether this export puts a blank line before each header."""
    inner = [h for h in found if h.line > 0]
    blanks = sum(1 for h in inner if not lines[h.line - 1].strip())
    return bool(inner) and 2 * blanks >= len(inner)


def _needs_seconds(found: list[Header]) -> set[tuple[str, str]]:
    """Return the header styles that, in this export, always show seconds."""
    styles = Counter(h.style for h in found)
    timed = Counter(h.style for h in found if h.seconds)
    return {s for s, n in styles.items() if n >= 5 and timed[s] >= SECONDS_SHARE * n}


def _after_text(lines: list[str], h: Header) -> bool:
    """Say whether the line before a header holds text (not a blank line or the start)."""
    return h.line > 0 and bool(lines[h.line - 1].strip())


def _drop_islands(found: list[Header]) -> list[Header]:
    """Drop a lone header of another style amid an export's headers: a date in a message."""
    runs = [list(run) for _style, run in groupby(found, key=lambda h: h.style)]
    keep: list[Header] = []
    for k, run in enumerate(runs):
        near = [r for r in (runs[k - 1] if k else None,
                            runs[k + 1] if k + 1 < len(runs) else None) if r]
        lone = len(run) == 1 and bool(near) and (
            near[0][0].style == near[1][0].style if len(near) == 2 else len(near[0]) > 1)
        keep += [] if lone else run
    return keep


def _main_style(found: list[Header]) -> list[Header]:
    """Keep only the export's own header style when nearly every header has it."""
    styles = Counter(h.style for h in found)
    if len(found) < MAIN_STYLE_MIN:
        return found
    style, n = styles.most_common(1)[0]
    return [h for h in found if h.style == style] if n >= MAIN_STYLE_SHARE * len(found) \
        else found


def headers(lines: list[str]) -> list[Header]:
    """Return the real message headers of an export, in order."""
    found = _main_style([h for i, line in enumerate(lines) if (h := header(line, i)) is not None])
    timed = _needs_seconds(found)
    found = [h for h in found if h.seconds or h.style not in timed]
    if _blank_separated(lines, found):
        found = [h for h in found if not _after_text(lines, h)]
    out: list[Header] = []
    for h in _drop_islands(found):
        if out and out[-1].body is None and h.line == out[-1].line + 1:
            continue  # the previous message would have no text: this line is its text
        out.append(h)
    return out


def messages(text: str) -> list[Message]:
    """Split a chat export into messages."""
    lines = text.splitlines()
    heads = headers(lines)
    if not heads:
        return []
    ends = [h.line for h in heads[1:]] + [len(lines)]
    out = []
    for h, end in zip(heads, ends, strict=True):
        body = [h.body or ""] + [line.strip() for line in lines[h.line + 1:end]]
        out.append(Message(h.when, sender_of(h.raw), tuple(line for line in body if line)))
    return out


def is_notice(message: Message) -> bool:
    """Say whether a message is a group notice (join, recall, rename), not a member's words."""
    if message.sender.name.lower() in SYSTEM_SENDERS or any(
            p.match(message.sender.name) for p in NOTICES):
        return True
    return len(message.body) == 1 and any(p.match(message.body[0]) for p in NOTICES)


def trial_day(when: datetime, start: date, days: int) -> int | None:
    """Return the trial day (1..days) of a local time, or None outside the trial."""
    day = (when.date() - start).days + 1
    return day if 1 <= day <= days else None


def parse_chat(text: str, start: date, days: int = 7) -> Counter:
    """Count messages per (sender, day) in a chat export; system notices are not messages."""
    counts: Counter = Counter()
    for message in messages(text):
        day = trial_day(message.when, start, days)
        if day is not None and not is_notice(message):
            counts[(message.sender, day)] += 1
    return counts


def day_of(value: str, start: date, days: int) -> int | None:
    """Read a day column that holds a trial day number or a date."""
    value = value.strip()
    if value.isdigit() and 1 <= int(value) <= days:
        return int(value)
    match = re.match(DATE, value)
    try:
        when = date(int(match["y"]), int(match["m"]), int(match["d"])) if match else None
    except ValueError:  # "2016-13-45" is no date
        return None
    return trial_day(datetime.combine(when, datetime.min.time()), start, days) if when else None


def days_between(start: date, days: int) -> list[date]:
    """Return the calendar dates of the trial days."""
    return [start + timedelta(days=i) for i in range(days)]
