"""Find the fields a rule needs (keywords, post time, nickname, phone) in OCR lines."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from PIL import Image

from uploads.ocr import Line
from uploads.rules import TaskRules
from uploads.timestamps import PostTime, find_bare_clock, find_times

STATUS_BAR = 0.05  # lines starting above this share of the height are the status bar
NICK_REACH = 0.25  # how far above the post text a nickname may sit
LINK_BLUE = 20  # blue less red of a name's ink (WeChat's link blue; black and grey text 0)
# A name met between the post's text and its stamp is the next post's (its stamp unread):
# seeds 1-5 and 200-249, short lines there in black or grey 0-4, such names 15.7-31.6 (a
# dark theme's name in a JPEG loses its blue to chroma subsampling: 16-22).
NEXT_NAME_BLUE = 10
FOOTER_EXTRA = 6  # characters a post-time line may hold besides the time ("删除", icons)
PHONE = re.compile(r"(?<!\d)(1\d{2})([^\d\n]{2,8})(\d{4})(?!\d)")
MASK_CHARS = set("*＊xX×※\"'“”‘’`^°")  # tesseract reads asterisks as quotes too
UI_WORDS = frozenset({"朋友圈", "详情", "返回", "微信", "发现", "通讯录", "我", "删除", "评论",
                      "赞", "全文", "收起", "相册", "消息"})
_EDGE_JUNK = re.compile(r"^[^\w]+|[^\w]+$")
_SENTENCE = re.compile(r"[，。！？；,!?;]")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Findings:
    """What the rules look for, as read from one screenshot."""

    keywords: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    post_time: PostTime | None = None
    nickname: str | None = None
    clock: str | None = None
    phone: str | None = None
    app_name: str | None = None
    success: str | None = None

    lines: str = ""

    def content(self) -> dict[str, str]:
        """Return the fields that identify this screenshot's content for duplicates."""
        fields = {"id": self.nickname or self.phone, "clock": self.clock,
                  "time": self.post_time.text.replace(" ", "") if self.post_time else None,
                  "lines": self.lines}
        return {k: v for k, v in fields.items() if v}


def fingerprint(lines: tuple[Line, ...], limit: int = 40) -> str:
    """Return short hashes of the screen's longer lines, to compare two screenshots."""
    texts = [_EDGE_JUNK.sub("", line.text) for line in lines]
    digests = {hashlib.blake2b(t.encode(), digest_size=3).hexdigest() for t in texts
               if len(t) >= 4}
    return " ".join(sorted(digests)[:limit])


def joined(lines: tuple[Line, ...]) -> str:
    """Return all text without line breaks, so wrapped words match."""
    return "".join(line.text for line in lines)


def find_clock(lines: tuple[Line, ...]) -> str | None:
    """Return the status-bar clock: a bare HH:MM in the top line."""
    return find_bare_clock(lines[0].text) if lines and _is_status_bar(lines[0]) else None


def find_phone(text: str) -> str | None:
    """Return a masked phone number such as 138****5678."""
    for match in PHONE.finditer(text):
        if sum(c in MASK_CHARS for c in match[2]) >= 2:
            return f"{match[1]}****{match[3]}"
    return None


def anchor_index(lines: tuple[Line, ...], words: tuple[str, ...]) -> int:
    """Return the index of the first line showing (the start of) a required word."""
    for i, line in enumerate(lines):
        if any(word[:2] in line.text for word in words):
            return i
    return 0


def _is_footer(text: str, found: PostTime) -> bool:
    """Tell whether a line is a post footer: the time, "删除" and a few icon glyphs."""
    rest = _EDGE_JUNK.sub("", text.replace(found.text, "").replace("删除", ""))
    return len(rest) <= FOOTER_EXTRA and len(_CJK.findall(rest)) <= 2


def footer_time(text: str, now: datetime) -> PostTime | None:
    """Return the time a line shows when the line is a post's footer, else None."""
    return next((found for found in find_times(text, now) if _is_footer(text, found)), None)


def find_post_time(lines: tuple[Line, ...], now: datetime, anchor: int,
                   img: Image.Image | None = None) -> PostTime | None:
    """Return the time of the post: the first time-only line at or below the post.

    With the image, the search stops at the next poster's name: the stamp below it is the
    next post's, and an edited stamp in a faint ink that OCR skips must not borrow it.
    """
    for i in range(anchor, len(lines)):
        if img is not None and i > anchor and is_name(img, lines[i], NEXT_NAME_BLUE):
            return None
        if (found := footer_time(lines[i].text, now)) is not None:
            return found
    return None


def _is_status_bar(line: Line) -> bool:
    """Tell whether a line is the status bar (top of the screen, showing the clock)."""
    return line.y0 < STATUS_BAR and find_bare_clock(line.text) is not None


def _nickname_text(text: str) -> str | None:
    """Return text cleaned as a nickname, or None when it cannot be one."""
    text = _EDGE_JUNK.sub("", text)
    if not 1 <= len(text) <= 20 or text in UI_WORDS or text.isdigit():
        return None
    if _SENTENCE.search(text) or find_times(text, datetime(2000, 1, 1)):
        return None
    return text


def is_link_blue(img: Image.Image, line: Line, least: float = LINK_BLUE) -> bool:
    """Tell whether a line's text is drawn in WeChat's blue name colour."""
    w, h = img.size
    box = (int(line.x0 * w), int(line.y0 * h), int(line.x1 * w) + 1, int(line.y1 * h) + 1)
    px = np.asarray(img.crop(box).convert("RGB"), dtype=np.int16).reshape(-1, 3)
    lum = px.mean(axis=1)
    ink = px[np.abs(lum - np.median(lum)) > 40]
    return len(ink) >= 10 and float((ink[:, 2] - ink[:, 0]).mean()) > least


def is_name(img: Image.Image, line: Line, least: float = LINK_BLUE) -> bool:
    """Tell whether a line is a poster's name: short text in WeChat's blue."""
    return _nickname_text(line.text) is not None and is_link_blue(img, line, least)


def nickname_line(lines: tuple[Line, ...], img: Image.Image, anchor: int) -> Line | None:
    """Return the line holding the sharer's nickname: the blue name above the post text."""
    if anchor == 0:
        return None
    top = lines[anchor].y0 - NICK_REACH
    above = [line for line in lines[:anchor] if line.y0 >= top and not _is_status_bar(line)]
    for line in reversed(above):
        if is_name(img, line):
            return line
    nearest = above[-1] if above else None
    if nearest and abs(nearest.x0 - lines[anchor].x0) < 0.03 and len(nearest.text) <= 12:
        return nearest if _nickname_text(nearest.text) else None
    return None


def find_nickname(lines: tuple[Line, ...], img: Image.Image, anchor: int,
                  reread: Callable[[Line], str] | None = None) -> str | None:
    """Return the sharer's nickname, re-read by `reread` when given."""
    line = nickname_line(lines, img, anchor)
    if line is None:
        return None
    text = reread(line) if reread else ""
    return _nickname_text(text) or _nickname_text(line.text)


def read_share(lines: tuple[Line, ...], img: Image.Image, rules: TaskRules,
               now: datetime, reread: Callable[[Line], str] | None = None) -> Findings:
    """Find a WeChat share's keywords, post time and nickname."""
    text = joined(lines)
    anchor = anchor_index(lines, rules.keywords)
    return Findings(
        keywords=tuple(k for k in rules.keywords if k in text),
        missing=tuple(k for k in rules.keywords if k not in text),
        post_time=find_post_time(lines, now, anchor, img),
        nickname=find_nickname(lines, img, anchor, reread), clock=find_clock(lines),
        phone=find_phone(text), lines=fingerprint(lines))


def read_app(lines: tuple[Line, ...], rules: TaskRules) -> Findings:
    """Find an app download's app name, success state and masked phone."""
    text = joined(lines)
    names = [n for n in rules.app_names if n in text]
    words = [w for w in rules.success_words if w in text]
    return Findings(
        keywords=tuple(names + words), app_name=names[0] if names else None,
        success=words[0] if words else None, clock=find_clock(lines), phone=find_phone(text),
        lines=fingerprint(lines))
