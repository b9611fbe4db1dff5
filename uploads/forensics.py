"""Look for local edits in the field that decides a share's verdict: the post time.

Signs, each cheap and each only a reason for review (`possible_edit:<field>@x,y,w,h`,
the box in thousandths of the image's width and height), never a reject:
- a patch: the background behind the field (over OCR's whole box, or over only the rows
  the text's ink spans, where OCR's box stood twice as tall as a patch) differs from the
  background beside it, or a grey field's ink is tinted (a colour picker's near miss); on
  a screenshot, whose fills are exact, by a level or two (uploads/flatfill.py);
- lettering: the time's glyphs are taller, or their strokes thicker or thinner, than the
  other posts' stamps, or as tall as the line above, or on a screenshot a fifth thinner
  (uploads/lettering.py);
- placement, on a screenshot: the time's ink is not centred on the comment button at the
  right of its row, or stands too tall for it (uploads/rowalign.py);
- a different compression history. In a lossless file: the field's text keeps less (or
  more) of the error a JPEG round trip adds than the post's other text (error-level
  analysis). In a JPEG every region carries the file's own quantisation, and the grey time
  measured 0-7.1 on honest JPEGs against 1.3-6.4 on patched ones, so there the test is
  whether the time was compressed once where the post's text was twice (uploads/requant.py:
  impossible bins, and a calibrated excess that keeps the clipped blocks of a light theme);
- a post time dated today but later than the status-bar clock;
- a relative stamp ("9小时前", "昨天 10:15") that is inside the window when read from the upload
  time but outside it when read from the screenshot's own clock: the stamp counts from the
  moment the screenshot was taken, which the clock shows and which cannot be after the upload.
"""

import io
from datetime import datetime, timedelta

import numpy as np
from PIL import Image

from uploads.fields import Findings, anchor_index, footer_time
from uploads.flatfill import SCREEN_TINT, TRAIL_STEP, is_screenshot, trail_step
from uploads.lettering import is_running_text, odd_lettering, tallest_run
from uploads.ocr import Line
from uploads.requant import UNKNOWN, Coding, compressed_apart, twice_apart
from uploads.rowalign import off_row
from uploads.rules import TaskRules, time_reasons
from uploads.timestamps import parse_post_time

PATCH_STEP = 2.5  # levels between the background behind the time and beside it (honest 0-1.6)
INK = 24  # levels from the background beyond which a pixel is text, not background
FRINGE = 2  # pixels around text whose blur (a photo's, a JPEG's ringing) is not background
TEXT_GAP = 1.5  # line heights of blank that end a line of text (a space is a third of one)
ELA_QUALITY = 90
ELA_RATIO = 3.0  # the time's error level against the post's text (honest PNGs 1.6-2.9)
MIN_ROWS = 4  # rows of ink a text line needs before its box is cut to them
TINT = 6  # channel spread of a grey field's ink (honest 0-1, a colour picker's miss 7+)
Box = tuple[int, int, int, int]


def pixel_box(img: Image.Image, line: Line) -> Box:
    """Return a line's box in the image's pixels as (x0, y0, x1, y1)."""
    w, h = img.size
    return (int(line.x0 * w), int(line.y0 * h), int(np.ceil(line.x1 * w)),
            int(np.ceil(line.y1 * h)))


def _ink(px: np.ndarray, box: Box) -> np.ndarray:
    """Return a box's ink: its pixels INK levels or more from the box's median colour."""
    x0, y0, x1, y1 = box
    part = px[y0:y1, x0:x1]
    if part.size == 0:
        return np.zeros(part.shape[:2], bool)
    mask: np.ndarray = np.abs(part - np.median(part.reshape(-1, 3), axis=0)).max(axis=2) >= INK
    return mask


def trim_to_ink(px: np.ndarray, box: Box) -> Box:
    """Return a text box cut to its ink, up to the first blank of TEXT_GAP line heights.

    OCR's box can run on past the text, over the comment button to a photo's black edge.
    """
    x0, y0, x1, y1 = box
    inked = np.nonzero(_ink(px, box).any(axis=0))[0]
    if not len(inked):
        return box
    gaps = np.nonzero(np.diff(inked) > TEXT_GAP * (y1 - y0))[0]
    end = inked[gaps[0]] if len(gaps) else inked[-1]
    return x0 + int(inked[0]), y0, x0 + int(end) + 1, y1


def ink_rows(px: np.ndarray, box: Box) -> Box:
    """Return a text box cut to the rows its ink spans (the tallest unbroken run of them).

    OCR's box can stand twice as tall as the text; a patch behind the text then covers
    less than half of the box's background and its median is the page's (seed 227).
    """
    x0, y0, x1, y1 = box
    start, end = tallest_run(_ink(px, box).sum(axis=1) > 0)
    return (x0, y0 + start, x1, y0 + end) if end - start >= MIN_ROWS else box


def part_box(img: Image.Image, line: Line, text: str) -> Box:
    """Return the pixel box of the part of a line that shows `text` ("删除" left out).

    Where the part sits is told from the characters before and in it, a Chinese one
    counted twice as wide as a digit, a letter or a space.
    """
    x0, y0, x1, y1 = pixel_box(img, line)
    start = line.text.find(text)
    if start < 0:
        return x0, y0, x1, y1
    widths = [2 if "\u3400" <= ch <= "\u9fff" else 1 for ch in line.text]
    total, before = sum(widths), sum(widths[:start])
    upto = before + sum(widths[start:start + len(text)])
    return (x0 + (x1 - x0) * before // total, y0, x0 + -(-(x1 - x0) * upto // total), y1)


def patch_step(px: np.ndarray, box: Box) -> float:
    """Return how far the background inside a text box is from the background beside it.

    Beside means the same rows left of the text (the avatar column's empty part) and right
    of it, beyond where a patch would reach; above and below sit cards and rules. The two
    sides are interpolated to where they are compared, since a photo's light falls off.
    """
    x0, y0, x1, y1 = box
    h = max(2, y1 - y0)
    sides = [side for side in (_median_beside(px, y0, y1, x0 - 3 * h // 2, x0 - h // 2),
                               _median_beside(px, y0, y1, x1 + 2 * h, x1 + 3 * h)) if side]
    if not sides:
        return 0.0

    def ref(x: float) -> np.ndarray:
        """Return the background expected at column x."""
        if len(sides) == 1:
            return sides[0][0]
        (left, at_left), (right, at_right) = sides
        expected: np.ndarray = left + (right - left) * (x - at_left) / (at_right - at_left)
        return expected

    # behind the text, and just right of it where a patch runs on past the last glyph (the
    # middle rows only: a photo's tilt brings the card above into the box's top corner)
    mid = px[y0 + h // 4:y1 - h // 4, x1:x1 + h // 2]
    return max(_step_in(px[y0:y1, x0:x1], ref((x0 + x1) / 2)),
               _step_in(mid, ref(x1 + h / 4)))


def _step_in(part: np.ndarray, ref: np.ndarray) -> float:
    """Return how far the background of a part of the image is from a reference colour."""
    if part.size == 0:
        return 0.0
    bg = part[~_grown(np.abs(part - ref).max(axis=2) >= INK, FRINGE)]
    if len(bg) < 20:
        return 0.0
    return float(np.abs(np.median(bg, axis=0) - ref).max())


def _grown(mask: np.ndarray, by: int) -> np.ndarray:
    """Return a 2-D mask grown by `by` pixels in every direction."""
    out = mask.copy()
    for step in range(1, by + 1):
        out[step:] |= mask[:-step]
        out[:-step] |= mask[step:]
    wide = out.copy()
    for step in range(1, by + 1):
        wide[:, step:] |= out[:, :-step]
        wide[:, :-step] |= out[:, step:]
    return wide


def _median_beside(px: np.ndarray, y0: int, y1: int, xa: int, xb: int
                   ) -> tuple[np.ndarray, float] | None:
    """Return the median colour of columns xa..xb of some rows and their middle column."""
    xa, xb = max(0, xa), min(px.shape[1], xb)
    part = px[y0:y1, xa:xb].reshape(-1, 3)
    return (np.median(part, axis=0), (xa + xb) / 2) if len(part) >= 10 else None


def error_level(img: Image.Image, box: Box) -> float | None:
    """Return the JPEG round-trip error per unit of edge in a box (None when it is flat)."""
    x0, y0, x1, y1 = (box[0] // 8 * 8, box[1] // 8 * 8, -(-box[2] // 8) * 8,
                      -(-box[3] // 8) * 8)
    crop = img.convert("L").crop((x0, y0, x1, y1))
    buf = io.BytesIO()
    crop.save(buf, format="JPEG", quality=ELA_QUALITY)
    again = np.asarray(Image.open(buf), dtype=np.float32)
    grey = np.asarray(crop, dtype=np.float32)
    edges = np.abs(np.diff(grey, axis=1)).sum() + np.abs(np.diff(grey, axis=0)).sum()
    return float(np.abs(again - grey).sum() / edges) if edges > 100 else None


def _time_line(lines: tuple[Line, ...], found: Findings, anchor: int) -> int | None:
    """Return the index of the line showing the post time."""
    if found.post_time is None:
        return None
    for i in range(anchor, len(lines)):
        if found.post_time.text in lines[i].text:
            return i
    return None


def ela_ratio(img: Image.Image, lines: tuple[Line, ...], field: int, anchor: int) -> float:
    """Return the field line's error level against the median of the post's text lines."""
    own = error_level(img, pixel_box(img, lines[field]))
    others = [error_level(img, pixel_box(img, line)) for line in lines[anchor:field]]
    known = [v for v in others if v]
    if own is None or not known:
        return 1.0
    return own / float(np.median(known))


def clock_contradicts(found: Findings, now: datetime) -> bool:
    """Tell whether a post dated today shows a time later than the status-bar clock."""
    post, clock = found.post_time, found.clock
    if post is None or clock is None or post.precision != "minute":
        return False
    if post.value.date() != now.date() or post.text.endswith("前"):
        return False
    hour, minute = (int(part) for part in clock.split(":"))
    return (post.value.hour, post.value.minute) > (hour, minute)


RELATIVE = ("前", "昨天", "前天", "刚刚")  # stamps counted from when the screenshot was taken


def taken_at(clock: str, now: datetime) -> datetime | None:
    """Return the latest moment at or before `now` whose time of day is the status-bar clock."""
    try:
        hour, minute = (int(part) for part in clock.split(":"))
        moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        return None
    return moment if moment <= now + timedelta(minutes=1) else moment - timedelta(days=1)


def clock_moves_out(found: Findings, rules: TaskRules, now: datetime) -> bool:
    """Tell whether a relative stamp falls outside the window once read from the clock."""
    post, clock = found.post_time, found.clock
    if post is None or clock is None or not any(word in post.text for word in RELATIVE):
        return False
    taken = taken_at(clock, now)
    if taken is None or now - taken < timedelta(minutes=5):
        return False
    again = parse_post_time(post.text, taken)
    return again is not None and "timestamp_outside_window" in time_reasons(again, rules, taken)


def _reason(field: str, line: Line) -> str:
    """Return the review reason for a field with its box in thousandths of the image."""
    x, y = round(line.x0 * 1000), round(line.y0 * 1000)
    w, h = round((line.x1 - line.x0) * 1000), round((line.y1 - line.y0) * 1000)
    return f"possible_edit:{field}@{x},{y},{max(w, 1)},{max(h, 1)}"


def _signs(img: Image.Image, px: np.ndarray, lines: tuple[Line, ...], index: int,
           anchor: int, now: datetime, coding: Coding) -> bool:
    """Tell whether the line at `index` shows a patch, tinted ink, odd glyphs or a JPEG past."""
    box = trim_to_ink(px, pixel_box(img, lines[index]))
    step = max(patch_step(px, box), patch_step(px, ink_rows(px, box)))
    tint, screen = ink_tint(px, box), is_screenshot(px)
    if step >= PATCH_STEP or tint >= TINT or (
            screen and (tint >= SCREEN_TINT or trail_step(px, box) >= TRAIL_STEP)):
        return True
    stamp = footer_time(lines[index].text, now)
    own = trim_to_ink(px, part_box(img, lines[index], stamp.text)) if stamp else box
    if screen and off_row(px, ink_rows(px, own)):
        return True
    if odd_lettering(px, own, *_lettering_refs(img, lines, index, anchor, now), screen):
        return True
    if coding.luma_table is not None:
        text = [pixel_box(img, line) for line in lines[anchor:index]]
        return compressed_apart(px, box, text, coding.luma_table) or twice_apart(
            px, box, text, coding.luma_table)
    return coding.lossless and ela_ratio(img, lines, index, anchor) >= ELA_RATIO


def _lettering_refs(img: Image.Image, lines: tuple[Line, ...], index: int, anchor: int,
                    now: datetime) -> tuple[list[Box], Box | None]:
    """Return the boxes of the other posts' stamps and of the running text above a stamp."""
    stamps = [part_box(img, line, stamp.text) for i, line in enumerate(lines)
              if i > anchor and i != index and (stamp := footer_time(line.text, now))]
    above = next((pixel_box(img, lines[i]) for i in range(index - 1, anchor - 1, -1)
                  if is_running_text(lines[i].text)), None)
    return stamps, above


def edit_signs(img: Image.Image, lines: tuple[Line, ...], found: Findings,
               rules: TaskRules, now: datetime, coding: Coding = UNKNOWN) -> list[str]:
    """Return possible_edit reasons for the post time of a share.

    `coding` says how the file was stored: error-level analysis is for lossless files, the
    double-quantisation test for JPEGs (uploads/requant.py).

    The nickname is not looked at: beside the avatar its background reads as a patch on
    phone photos (a 1 in 3 false alarm measured), and a repainted name is caught as a copy.
    """
    if rules.task != "wechat_share" or not lines:
        return []
    rgb = img.convert("RGB")
    px = np.asarray(rgb, dtype=np.float32)
    anchor = anchor_index(lines, rules.keywords)
    reasons = []
    when = _time_line(lines, found, anchor)
    if when is not None and (clock_contradicts(found, now) or clock_moves_out(found, rules, now)
                             or _signs(rgb, px, lines, when, anchor, now, coding)):
        reasons.append(_reason("post_time", lines[when]))
    return reasons


def ink_tint(px: np.ndarray, box: Box) -> float:
    """Return how coloured a line's ink is (max minus min channel of its strongest ink)."""
    x0, y0, x1, y1 = box
    inner = px[y0:y1, x0:x1].reshape(-1, 3)
    if len(inner) < 20:
        return 0.0
    lum = inner.mean(axis=1)
    far = np.abs(lum - np.median(lum))
    ink = inner[far >= np.percentile(far, 95)]
    colour = np.median(ink, axis=0)
    return float(colour.max() - colour.min())

