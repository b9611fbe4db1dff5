"""Clean screenshots for tesseract: reveal text on coloured buttons, clear avatars."""

import numpy as np
from PIL import Image

SATURATED = 90  # max-min over RGB for a "coloured" pixel
ROW_COVER = 0.4  # share of a row that must be coloured to belong to a button
MIN_HEIGHT = 0.012  # of the image height; thinner coloured bands are rules, not buttons
SCAN = 4  # look for bands on an image this many times smaller
CELL = 4  # pixels per cell when looking for solid blobs
SOLID = 230  # ink of a solid cell, out of 255
OPEN_CELLS = 3  # a blob holds a solid square this many cells wide; strokes do not
CLOSE_CELLS = 11  # holes this size inside a blob (avatar pictures) are filled
_INK = [255 if v < 128 else 0 for v in range(256)]
_SOLID = [0 if v >= SOLID else 255 for v in range(256)]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Return [start, end) pairs of consecutive True values."""
    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _saturation(rgb: np.ndarray) -> np.ndarray:
    """Return max minus min over the colour channels."""
    spread: np.ndarray = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)
    return spread


def button_bands(rgb: Image.Image) -> list[tuple[int, int, int, int]]:
    """Find wide coloured bands (buttons, banners) as (x0, y0, x1, y1) pixel boxes."""
    mask = _saturation(np.asarray(rgb.reduce(SCAN))) > SATURATED
    rows = mask.mean(axis=1) > ROW_COVER
    boxes = []
    for y0, y1 in _runs(rows):
        if y1 - y0 < MIN_HEIGHT * mask.shape[0]:
            continue
        cols = np.flatnonzero(mask[y0:y1].any(axis=0))
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        boxes.append((x0 * SCAN, y0 * SCAN, x1 * SCAN, y1 * SCAN))
    return boxes


def _lift_text(band: np.ndarray) -> np.ndarray | None:
    """Return a button band as dark text on white, or None when its text is not light."""
    sat = _saturation(band)
    mask = sat > SATURATED // 2
    inside = (np.maximum.accumulate(mask, axis=1)
              & np.maximum.accumulate(mask[:, ::-1], axis=1)[:, ::-1])
    low = band.min(axis=2)
    plain = low[inside & (sat < 40)]
    if plain.size == 0 or float(plain.mean()) <= 160:
        return None
    return np.where(inside, 255 - low, 255).astype(np.uint8)


def reveal_buttons(rgb: Image.Image, grey: Image.Image) -> Image.Image:
    """Redraw light-on-colour bands of `grey` as dark text on white."""
    out = None
    for x0, y0, x1, y1 in button_bands(rgb):
        box = (max(0, x0 - SCAN), max(0, y0 - SCAN), x1 + SCAN, y1 + SCAN)
        lifted = _lift_text(np.asarray(rgb.crop(box)))
        if lifted is not None:
            out = np.array(grey) if out is None else out
            out[box[1]:box[1] + lifted.shape[0], box[0]:box[0] + lifted.shape[1]] = lifted
    return grey if out is None else Image.fromarray(out)


def _along_rows(cells: np.ndarray, size: int, darkest: bool) -> np.ndarray:
    """Return each pixel's min (or max) over `size` pixels of its row, edges repeated."""
    pick = np.minimum if darkest else np.maximum
    n, half = cells.shape[1], size // 2
    padded = np.pad(cells, ((0, 0), (half, half)), mode="edge")
    out = padded[:, :n].copy()
    for shift in range(1, size):
        pick(out, padded[:, shift:shift + n], out=out)
    return out


def _window(cells: np.ndarray, size: int, darkest: bool) -> np.ndarray:
    """Return each pixel's min (or max) over a size x size window, edges repeated.

    The same values as Pillow's MinFilter/MaxFilter, computed along rows, then columns, in
    numpy: Pillow's rank filter holds the GIL (85 ms an image, a third of a worker thread's
    time outside tesseract and ONNX); these take a few ms and release it in each step.
    """
    return _along_rows(_along_rows(cells, size, darkest).T, size, darkest).T


def clear_blobs(grey: Image.Image) -> Image.Image:
    """Whiten solid dark blobs (avatars, icons, thumbnails) that OCR reads as junk."""
    w, h = grey.size
    cells = np.asarray(grey.point(_INK).reduce(CELL).point(_SOLID))
    opened = _window(_window(cells, OPEN_CELLS, False), OPEN_CELLS, True)
    if int(opened.min()) == 255:
        return grey
    closed = _window(_window(_window(opened, CLOSE_CELLS, True), CLOSE_CELLS, False), 3, True)
    mask = Image.fromarray(255 - closed).resize((w, h), Image.Resampling.NEAREST)
    out = grey.copy()
    out.paste(255, mask=mask)
    return out
