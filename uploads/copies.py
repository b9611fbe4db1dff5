"""Find one post submitted twice under different names: the post's fingerprint and its index.

A traded copy keeps everything but who posted it: post time, card and body text, the
status-bar clock, likes and comments, the avatar. The fingerprint is those fields plus a
coarse grey grid of the screen from just above the avatar's top edge, the nickname's row
masked, so a repainted name does not change it. Two uploads agree "overwhelmingly" (a copy,
rejected) when the grids are near-identical and a text field agrees with none contradicting,
or when a minute-exact post time shown alike agrees with a grid of the same layout and
avatar, or with the lines and the clock (one person's post at one minute); partial agreement
(the same layout and avatar at the same stamp, or the stamp and the lines with the clock) is
a possible copy. A grid of the same layout with another avatar is another person's post of a
template everyone shares, and a grid of the other theme (light or dark) another screen.
Clocks that disagree leave a possible copy at most, when the grids are near-identical: OCR
misreads a shrunken copy's clock (seed 346: 19:49 as 13:43), and one post screenshotted
twice is still one.
"""

import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

from uploads.ocr import Line

from uploads.fields import anchor_index, nickname_line
from uploads.likeness import edit_distance, lines_agree

GRID_W = 32  # cells across; an avatar is ~4 cells wide
SUB = 6  # pixels per cell side when the screen is shrunk for the grid
POST_ROWS = 24  # rows of the grid: from the avatar's top past the likes
ABOVE = 4  # of those rows above the post text's first line (avatar, name)
AVATAR_ABOVE = 1.7  # or above the avatar's top edge (the same framing: it sits 2.3 rows higher)
AVATAR_REACH = 0.35  # widths above the anchoring line's middle the avatar is looked for
LEVELS = 32  # grey levels a cell is quantised to, between the screen's darkest and lightest
CELL_TOLERANCE = 2  # levels a cell may move under recompression and rescaling
DIGITS = "0123456789abcdefghijklmnopqrstuv"
NEAR_GRID = 0.006  # share of cells that may differ in a copy (copies measured 0-0.002, honest pairs >= 0.02)
TEMPLATE_GRID = 0.045  # a rescaled, cropped copy (0.002-0.04) when the text agrees too
FAR_GRID = 0.9  # another screen: the other theme (honest pairs 0.96-0.99; copies 0-0.43)
AVATAR_CELLS = [r * GRID_W + c for r in range(1, 7) for c in range(1, 5)]  # 42 dp at 12 dp
AVATAR_DIFF = 6  # avatar cells that may differ (copies 0 of 24, other people's posts 14)
MAX_CANDIDATES = 200  # most recent entries compared per look-up key
KEY_LINES = 8  # lines keyed with the stamp: a cropped copy keeps few, and OCR misreads some
INK_STEP = 60  # grey levels from the background that only a glyph's stroke reaches
_MINUTE = re.compile(r"\d[:：.]\d\d")
_CLOCK_TAIL = re.compile(r"\s*\d{1,2}[:：.]\d\d$")


@dataclass(frozen=True)
class CopyMatch:
    """An earlier upload showing the same post."""

    item_id: str
    kind: str  # "copy" or "possible"
    nickname: str | None  # who the earlier upload names as the poster


def masked_grid(img: Image.Image, top: float, name: tuple[float, float, float, float] | None
                ) -> str:
    """Return POST_ROWS x GRID_W square cells from `top` (a share of the height) as levels.

    Cells are squares of a fixed share of the width, so a rescaled or cropped copy gives
    the same grid; cells the nickname touches, or outside the image, are "-".
    """
    cell = img.width / GRID_W
    y0 = top * img.height
    box = (0, round(y0), img.width, round(y0 + POST_ROWS * cell))
    small = img.convert("L").crop(box).resize((GRID_W * SUB, POST_ROWS * SUB),
                                             Image.Resampling.BOX)
    grey = np.asarray(small, dtype=np.float32)
    beyond = int(max(0.0, img.height - y0) / cell * SUB)
    grey[beyond:] = np.nan
    if name is not None:
        pad = (name[3] - name[1]) * 0.7
        rows = [int(((name[1] - pad) * img.height - y0) / cell * SUB),
                int(((name[3] + pad) * img.height - y0) / cell * SUB) + 1]
        grey[max(0, rows[0]):max(0, rows[1]), max(0, int(name[0] * GRID_W * SUB) - 1):] = np.nan
    return _levels(grey)


def _levels(grey: np.ndarray) -> str:
    """Return the cell means of a grey array as digits between its darkest and lightest."""
    blocks = grey.reshape(POST_ROWS, SUB, GRID_W, SUB)
    valid = ~np.isnan(blocks)
    counts = valid.sum(axis=(1, 3))
    means = np.where(valid, blocks, 0.0).sum(axis=(1, 3)) / np.maximum(counts, 1)
    masked = counts < SUB * SUB  # a cell the name touches at all is left out
    low, high = np.percentile(means[~masked], (1, 99)) if (~masked).any() else (0, 255)
    levels = np.clip((means - low) * LEVELS / max(high - low, 16.0), 0, LEVELS - 1).astype(int)
    return "".join("-" if m else DIGITS[v] for v, m in zip(levels.ravel(), masked.ravel(),
                                                           strict=True))


def name_box(img: Image.Image, lines: tuple[Line, ...],
             keywords: tuple[str, ...]) -> tuple[float, float, float, float] | None:
    """Return where the sharer's name is: its line, else the line's height above the post."""
    anchor = anchor_index(lines, keywords)
    line = nickname_line(lines, img, anchor)
    if line is not None:
        return line.x0, line.y0, line.x1, line.y1
    if anchor == 0:
        return None
    post = lines[anchor]
    height = post.y1 - post.y0
    return post.x0, post.y0 - 2 * height, post.x1, post.y0 - 0.4 * height


def post_grid(img: Image.Image, lines: tuple[Line, ...], keywords: tuple[str, ...]
              ) -> str | None:
    """Return the masked grid of the post in a share screenshot read into `lines`."""
    anchor = anchor_index(lines, keywords)
    if not lines or not any(k[:2] in lines[anchor].text for k in keywords):
        return None
    cell = img.width / GRID_W / img.height
    avatar = avatar_top(img, lines[anchor])
    top = avatar - AVATAR_ABOVE * cell if avatar is not None else (
        ink_top(img, lines[anchor]) - ABOVE * cell)
    return masked_grid(img, top, name_box(img, lines, keywords))


def avatar_top(img: Image.Image, line: Line) -> float | None:
    """Return the top of the sharer's avatar above the post's line, as a share of the height.

    The avatar's edge is where a grid is anchored best: a name repainted larger can run into
    the post's first line (seed 414: the line's ink then starts at the name's top), or OCR
    can misread that line so that the card's title anchors instead (seed 21). The avatar is
    the nearest run of rows above the line's middle whose left column (4-14% of the width)
    is mostly unlike the margin, and as tall as an avatar (6-14% of the width).
    """
    w, h = img.size
    mid = int((line.y0 + line.y1) / 2 * h)
    lo = max(0, mid - int(AVATAR_REACH * w))
    left = np.asarray(img.crop((0, lo, int(0.14 * w), min(h, mid + 1))).convert("L"),
                      dtype=np.float32)  # only the strip looked at, not the whole screen
    column, margin = left[:, int(0.04 * w):], left[:, :max(2, int(0.02 * w))]
    if column.size == 0:
        return None
    rows = (np.abs(column - np.median(margin)) > INK_STEP / 2).mean(axis=1) > 0.3
    filled = np.nonzero(rows)[0]
    if not len(filled):
        return None
    end = int(filled[-1])
    start = end
    while start > 0 and rows[start - 1]:
        start -= 1
    return (lo + start) / h if 0.06 * w <= end + 1 - start <= 0.14 * w else None


def ink_top(img: Image.Image, line: Line) -> float:
    """Return the first row of a line's ink, as a share of the height, near where OCR put it.

    OCR places a line's top a few pixels off, and differently on a rescaled or cropped copy:
    a fraction of a grid cell that moves the high-contrast text rows into other cells. The
    ink's own top edge is the same on every copy to a pixel. It is found from the line's
    middle (inside the glyphs) upwards to the first row without ink, so a name repainted just
    above, its ink reaching into the line's box, does not move it.
    """
    h = img.height
    y0, y1 = int(line.y0 * h), int(np.ceil(line.y1 * h))
    x0, x1 = int(line.x0 * img.width), int(np.ceil(line.x1 * img.width))
    x0 += (x1 - x0) // 4  # OCR's box can take in the avatar at its left, taller than the text
    lo, mid = max(0, y0 - (y1 - y0) // 2), min(h, (y0 + y1) // 2)
    if mid - lo < 3 or x1 - x0 < 8:
        return line.y0
    band = np.asarray(img.convert("L").crop((x0, lo, x1, mid + 1)), dtype=np.float32)
    inked = np.abs(band - np.median(band)).max(axis=1) > INK_STEP
    row = len(inked) - 1
    if not inked[row]:  # the middle fell between two rows of strokes: step up to ink first
        above = np.nonzero(inked[:row])[0]
        if not len(above):
            return line.y0
        row = int(above[-1])
    while row > 0 and inked[row - 1]:
        row -= 1
    return (lo + row) / h if row > 0 else line.y0  # ink up to the band's edge: no edge seen


def grid_difference(a: str, b: str) -> float | None:
    """Return the share of comparable cells that differ, or None for other shapes."""
    if len(a) != len(b) or not a:
        return None
    both = [(x, y) for x, y in zip(a, b, strict=True) if x != "-" and y != "-"]
    if len(both) < len(a) // 3:
        return None
    far = sum(abs(int(x, 32) - int(y, 32)) > CELL_TOLERANCE for x, y in both)
    return far / len(both)


def same_avatar(a: str, b: str) -> bool:
    """Tell whether two aligned grids show the same avatar beside the post.

    The cells are compared up to their median difference: a copy's grid can sit a few
    levels off the original's everywhere, when what is masked (a name OCR found on one and
    not the other) moves the darkest and lightest cells the levels are spread between.
    """
    pairs = [(a[i], b[i]) for i in AVATAR_CELLS if i < min(len(a), len(b))]
    steps = [int(x, 32) - int(y, 32) for x, y in pairs if x != "-" and y != "-"]
    if not steps:
        return True
    offset = float(np.median(steps))
    return sum(abs(step - offset) > CELL_TOLERANCE for step in steps) <= AVATAR_DIFF


def _same(a: str | None, b: str | None) -> bool | None:
    """Tell whether two readings agree (one misread character allowed); None if unknown."""
    if not a or not b:
        return None
    return a == b or (min(len(a), len(b)) >= 4 and edit_distance(a, b) <= 1)


def _same_time(a: str | None, b: str | None) -> bool | None:
    """Tell whether two post times agree, one reading allowed to stop short of the clock."""
    same = _same(a, b)
    if same is False and a and b and min(len(a), len(b)) >= 2 and (
            a.startswith(b) or b.startswith(a)):
        return True  # seed 485: "5月27日" read where the copy shows "5月27日01:19"
    return same


def judge_copy(new: dict[str, str], old: dict[str, str]) -> str | None:
    """Return "copy", "possible" or None for two uploads' post fingerprints."""
    time = _same_time(new.get("time"), old.get("time"))
    clock = _same(new.get("clock"), old.get("clock"))
    if time is False:
        return None
    lines = lines_agree(new.get("lines"), old.get("lines"))
    diff = grid_difference(new.get("grid", ""), old.get("grid", ""))
    if clock is False:  # another moment, or a clock misread on a shrunken copy (19:49 as 13:43)
        near = diff is not None and diff <= NEAR_GRID
        return "possible" if near and time and lines else None
    if diff is not None and diff >= FAR_GRID:  # a copy keeps the theme, light or dark
        return None
    if diff is not None and diff <= NEAR_GRID and (time or clock):
        return "copy"
    aligned = diff is not None and diff <= TEMPLATE_GRID
    if aligned and not same_avatar(new["grid"], old["grid"]):
        return None  # another person's post of the same template
    # one minute shown alike on both (a digit apart is another minute as often as a misread)
    exact = bool(time and _MINUTE.search(new["time"]) and new["time"] == old["time"])
    if time and exact and (aligned or lines and clock):
        return "copy"  # one person's post at one minute: the same post (OCR misreads lines)
    if time and clock and lines and aligned:
        return "copy"
    # a clock a character apart is no evidence alone: shots of one hour share three digits
    same_clock = bool(clock) and new.get("clock") == old.get("clock")
    if time and (lines and (same_clock or exact) or aligned):
        return "possible"  # aligned: the same avatar and layout, lines misread (seed 405)
    return None


def _keys(fields: dict[str, str]) -> list[tuple[str, ...]]:
    """Return the look-up keys of a fingerprint: time with clock, exact time, time with a line."""
    time, clock, grid = fields.get("time"), fields.get("clock"), fields.get("grid", "")
    keys: list[tuple[str, ...]] = []
    if time and clock:
        keys.append(("tc", time, clock))
    if time and _MINUTE.search(time):
        keys.append(("t", time))
    if time:  # the stamp's day with a line of the post: found when the clock was cropped away
        day = _CLOCK_TAIL.sub("", time) or time  # OCR can stop short of a stamp's clock
        keys += [("tl", day, line) for line in (fields.get("lines") or "").split()[:KEY_LINES]]
    if grid:  # the top and the bottom quarter of the screen, coarsely
        keys += [("g", str(len(grid)), _coarse(grid[:len(grid) // 4])),
                 ("g", str(len(grid)), _coarse(grid[-len(grid) // 4:]))]
    return keys


def _coarse(part: str) -> str:
    """Return a grid part at 4 levels, so recompression rarely moves a cell across one."""
    return "".join(c if c == "-" else str(int(c, 32) // 8) for c in part)


class CopyIndex:
    """Post fingerprints of everything submitted, looked up by a few keys each."""

    def __init__(self) -> None:
        """Start empty."""
        self._items: list[tuple[str, dict[str, str]]] = []
        self._by_key: dict[tuple[str, ...], list[int]] = {}

    def add(self, item_id: str, fields: dict[str, str]) -> None:
        """Remember an upload's fingerprint."""
        self._items.append((item_id, fields))
        for key in _keys(fields):
            self._by_key.setdefault(key, []).append(len(self._items) - 1)

    def find(self, fields: dict[str, str]) -> CopyMatch | None:
        """Return the earliest upload showing the same post, a sure copy first."""
        found = None
        for i in self._candidates(fields):
            item_id, other = self._items[i]
            kind = judge_copy(fields, other)
            if kind == "copy":
                return CopyMatch(item_id, kind, other.get("id"))
            found = found or (CopyMatch(item_id, kind, other.get("id")) if kind else None)
        return found

    def _candidates(self, fields: dict[str, str]) -> list[int]:
        """Return the entries sharing a key, the most recent MAX_CANDIDATES of each, in order."""
        hits: set[int] = set()
        for key in _keys(fields):
            hits.update(self._by_key.get(key, [])[-MAX_CANDIDATES:])
        return sorted(hits)

