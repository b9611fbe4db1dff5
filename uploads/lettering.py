"""Compare the post time's lettering with other text on the same screen.

A time typed over a patch is set in whatever face and size the editor had at hand. Its
glyphs then stand taller, or their strokes are thicker or thinner, than the grey stamps of
the other posts on the screen (text of the same role, drawn alike). Nor may it stand as
tall as the line just above, the link card's title or the post's text, which WeChat sets
larger than the stamp. Strokes are compared with that line only for being thinner: it is
black, the stamp grey, and a real detail page's stamp measured 1.34-1.52 times its text's
stroke, but a stamp a fifth thinner than its text is a lighter face than the page's.
Heights and strokes are compared as ratios, so the screen's size does not matter.
"""

import re
from dataclasses import dataclass
from statistics import median

import numpy as np

Box = tuple[int, int, int, int]

INK_SHARE = 0.5  # a pixel is ink beyond this share of the line's strongest contrast
MIN_CONTRAST = 20  # levels; a fainter line has no ink to measure
MIN_HEIGHT = 4  # rows; a shorter run of ink is a rule or noise, not a line of text
# Measured on 7 generated sets of 8 per kind; on 392 honest shares and 56 edited times.
# The time against the other posts' stamps (edited times 0.97-1.39 tall, strokes 0.81-1.70).
ROLE_TALLER = 1.10  # honest 0.90-1.06
# ... and by whole rows: a 540-wide screen's honest stamp measured 20 rows against 18 (1.11;
# seeds 6 and 203), taller edits 3 rows and more (seeds 1-5, 200-249).
ROLE_TALLER_ROWS = 3
ROLE_STROKE = (0.85, 1.25)  # honest 0.90-1.20; a real screen's two stamps 0.99
# The time against the line above it (edited times 0.88-1.26 tall).
ABOVE_TALLER = 1.0  # honest 0.42-0.95 (540 wide up to 0.95); a real detail page 0.86-0.93
ABOVE_CJK = 4  # Chinese characters a line above needs to be the card's title or post text
# On a screenshot, strokes thinner than the line above's: a retype in a lighter face (a serif
# over a sans page). Seeds 1-3 and 200-299: honest 0.82-1.26 of the line above's stroke (744),
# a real detail page 1.34-1.52; edited times down to 0.72. A 540-wide screen's strokes of
# about a pixel measure too coarsely (0.74 once), so only where the line above's reach
# ABOVE_MIN_STROKE pixels.
ABOVE_THINNER = 0.80
ABOVE_MIN_STROKE = 1.5
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Lettering:
    """How a line of text is drawn: the height of its glyphs and their stroke width."""

    height: float  # rows of the line's tallest unbroken run of ink
    stroke: float  # twice the ink's area over its outline, in pixels


def tallest_run(rows: np.ndarray) -> tuple[int, int]:
    """Return the start and end of the longest run of True in a row mask."""
    best, start = (0, 0), None
    for i, inked in enumerate([*rows.tolist(), False]):
        if inked and start is None:
            start = i
        elif not inked and start is not None:
            best = max(best, (start, i), key=lambda run: run[1] - run[0])
            start = None
    return best


def lettering(px: np.ndarray, box: Box) -> Lettering | None:
    """Measure a text line's glyphs in an RGB array, or None when it has no clear ink.

    The box is padded by a third of its height, since OCR boxes sit a few pixels off; a box
    OCR drew around two lines still measures one, its tallest run of inked rows.
    """
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 3)
    lum = px[max(0, y0 - pad):y1 + pad, x0:x1].mean(axis=2)
    if lum.size < 50:
        return None
    dev = np.abs(lum - np.median(lum))
    strongest = float(np.percentile(dev, 99.5))
    if strongest < MIN_CONTRAST:
        return None
    ink = dev > strongest * INK_SHARE
    start, end = tallest_run(ink.sum(axis=1) >= 2)
    if end - start < MIN_HEIGHT:
        return None
    run = ink[start:end].astype(np.int8)
    outline = np.abs(np.diff(run, axis=1)).sum() + np.abs(np.diff(run, axis=0)).sum()
    stroke = 2 * float(run.sum()) / max(int(outline), 1)
    # ink that fills the box is a background misjudged, not strokes
    return Lettering(float(end - start), stroke) if stroke < (end - start) / 2 else None


def _unlike_role(own: Lettering, ref: Lettering) -> bool:
    """Tell whether a line is taller, or its strokes thicker or thinner, than its role's."""
    low, high = ROLE_STROKE
    taller = own.height >= max(ROLE_TALLER * ref.height, ref.height + ROLE_TALLER_ROWS)
    return taller or not low <= own.stroke / ref.stroke <= high


def odd_lettering(px: np.ndarray, own: Box, same_role: list[Box], above: Box | None,
                  screenshot: bool = False) -> bool:
    """Tell whether a line's glyphs differ from its role's other text or the line above.

    Strokes are compared with the line above's only on a screenshot (`screenshot`).
    """
    mine = lettering(px, own)
    if mine is None:
        return False
    peers = [m for m in (lettering(px, box) for box in same_role) if m is not None]
    if peers:
        ref = Lettering(median(p.height for p in peers), median(p.stroke for p in peers))
        if _unlike_role(mine, ref):
            return True
    upper = lettering(px, above) if above is not None else None
    if upper is None:
        return False
    thinner = screenshot and upper.stroke >= ABOVE_MIN_STROKE and (
        mine.stroke < ABOVE_THINNER * upper.stroke)
    return thinner or mine.height >= ABOVE_TALLER * upper.height


def is_running_text(text: str) -> bool:
    """Tell whether OCR text is long enough Chinese to be a card title or post text."""
    return len(_CJK.findall(text)) >= ABOVE_CJK
