"""Check that a post time sits on its row as WeChat lays it out: centred on the comment button.

WeChat draws a post's time and, at the right end of the same row, the comment button ("··"),
centred on one line and at sizes fixed by the layout. A time typed over a patch is placed and
sized by eye: its ink's middle lands off the button's middle, or its glyphs stand too tall
for the button. Both are measured in the button's height, so the screen's size does not
matter. Only on screenshots: a phone photo's perspective tilts the row, and the button sits
a third of the screen's width from the time (uploads/flatfill.is_screenshot).

Measured on generated shares (seeds 1-3 at 8 a kind and 200-299 at 1, 742 honest
screenshots, 121 edited times): the ink's middle lies -0.02 to +0.17 of the button's height
below the button's; edited times up to +0.52. The ink's height is 0.63-0.80 of the button's;
edited times up to 1.03. A real Android detail page (../shared/peers/screens, luler's
generator) measured +0.05 and 0.70.
"""

import numpy as np

from uploads.lettering import Box, tallest_run

OFF_CENTRE = 0.18  # of the button's height between the two middles (honest -0.02 to +0.17)
TOO_TALL = 0.82  # the ink's height over the button's (honest 0.63-0.80)
BUTTON_X = (0.86, 0.98)  # where the button stands, in shares of the width
BUTTON_LEVELS = 3  # a button's fill is this far from the page's (a screenshot's fills are exact)
BUTTON_HEIGHT = (0.9, 2.5)  # text heights a run must span to be the button (honest 1.25-1.6)


def button_rows(px: np.ndarray, ink: Box) -> tuple[int, int] | None:
    """Return the first and last+1 rows of the comment button on a time's row, or None.

    The row is the time's ink rows with one ink height above and below; the page's colour
    is the median between the time and the button; the button is the tallest run of rows
    whose right end differs from it.
    """
    x0, y0, x1, y1 = ink
    h, (height, width) = y1 - y0, px.shape[:2]
    top, bottom = max(0, y0 - h), min(height, y1 + h)
    between = px[top:bottom, min(width, x1 + h):int(BUTTON_X[0] * width)].reshape(-1, 3)
    if h < 4 or len(between) < 10:
        return None
    page = np.median(between, axis=0)
    strip = px[top:bottom, int(BUTTON_X[0] * width):int(BUTTON_X[1] * width)]
    start, end = tallest_run((np.abs(strip - page).max(axis=2) > BUTTON_LEVELS).any(axis=1))
    if not BUTTON_HEIGHT[0] * h <= end - start <= BUTTON_HEIGHT[1] * h:
        return None
    return top + start, top + end


def off_row(px: np.ndarray, ink: Box) -> bool:
    """Tell whether a time's ink (its box cut to the rows it spans) is off its button's row."""
    button = button_rows(px, ink)
    if button is None:
        return False
    b0, b1 = button
    span = b1 - b0
    centre = ((ink[1] + ink[3]) - (b0 + b1)) / 2 / span
    return abs(centre) > OFF_CENTRE or (ink[3] - ink[1]) / span > TOO_TALL
