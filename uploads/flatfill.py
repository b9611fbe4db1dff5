"""Signs that need a screenshot's flat fills, which a phone photo of a screen does not have.

A screenshot paints its background in one exact colour, so a patch a level off it, or a
grey ink a level or two off grey, is already a difference; a photo's light and noise
would drown both (the looser thresholds of uploads/forensics.py are for photos).
"""

import numpy as np

Box = tuple[int, int, int, int]

# Share of pixels (every 4th row and column) in the commonest colour: measured on seeds
# 1-5 and 200-249, screenshots 0.62 and up (596), phone photos 0.40 at most (90).
SCREEN_SHARE = 0.5
# Levels between the background just right of a time and left of it, on a screenshot: a
# patch runs on past a retyped time (it covered the old, often longer one). Honest 0
# (539), edited times 1-6 (24 of 90 on screenshots; the rest patch in the exact colour).
TRAIL_STEP = 1.0
# Channel spread of a grey time's ink on a screenshot (forensics.ink_tint): honest 0
# (539), photos 0-1 and left to forensics.TINT, edited times 2-43.
SCREEN_TINT = 2.0


def is_screenshot(px: np.ndarray) -> bool:
    """Tell whether an RGB array is a screenshot: much of it in one exact colour."""
    sub = px[::4, ::4].reshape(-1, 3).astype(np.int64)
    if not len(sub):
        return False
    keys = (sub[:, 0] << 16) | (sub[:, 1] << 8) | sub[:, 2]
    return bool(np.unique(keys, return_counts=True)[1].max() >= SCREEN_SHARE * len(keys))


def trail_step(px: np.ndarray, box: Box) -> float:
    """Return how far the fill just right of a text box is from the background left of it.

    Right means from half a line height to one past the ink (clear of a JPEG's ringing),
    in the middle rows; left is the avatar column's empty part, which no patch reaches.
    """
    x0, y0, x1, y1 = box
    h = max(4, y1 - y0)
    left = px[y0:y1, max(0, x0 - 3 * h // 2):max(0, x0 - h // 2)].reshape(-1, 3)
    right = px[y0 + h // 4:y1 - h // 4, x1 + h // 2:x1 + h].reshape(-1, 3)
    if len(left) < 10 or len(right) < 10:
        return 0.0
    return float(np.abs(np.median(right, axis=0) - np.median(left, axis=0)).max())
