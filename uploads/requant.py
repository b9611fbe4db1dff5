"""Find a region of a JPEG that was compressed once where the rest was compressed twice.

A share traded as a JPEG, patched and saved as a JPEG again carries two quantisations
everywhere but in the patch. Each DCT coefficient of a twice-compressed block was a
multiple of the first table's step before the second rounding, so some of the second
table's bins can never be hit; the patch, compressed once, hits them freely. The first
table is unknown: each IJG quality is tried, and one "fits" when the post's text hits
almost none of its impossible bins. The post time then hitting many is the sign.
A twice-compressed honest share (a chat app recompressing) carries both tables in the time
too, and a once-compressed one fits no first table: neither is flagged.
"""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

Box = tuple[int, int, int, int]

IJG_BASE = np.array([  # the JPEG standard's luminance table, which IJG's qualities scale
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], float)
FIRST_QUALITIES = range(40, 98, 2)  # first compressions tried
CLIPPED = 125  # levels from mid-grey at which a channel is black or white (clipped)
SLACK = 1.0  # DCT units a coefficient moves by the pixels' rounding between compressions
FIT_RATE = 0.002  # impossible bins the post's text may hit under a fitting first table
FIT_MIN = 1000  # constrained coefficients the post's text needs for a fit to mean anything
# Share of the time's constrained coefficients in impossible bins under a fitting table:
# honest JPEG shares 0 (261 measured, 151 fitting some table), patched times 0.09-0.57.
PATCH_RATE = 0.03
PATCH_MIN = 20  # impossible hits the time needs, so a few stray ones do not count
_N = np.arange(8)
DCT = np.sqrt(np.where(_N[:, None] == 0, 1, 2) / 8) * np.cos(
    (2 * _N[None, :] + 1) * _N[:, None] * np.pi / 16)


@dataclass(frozen=True)
class Coding:
    """How an upload was stored: losslessly, or as a JPEG with a luminance table."""

    lossless: bool
    luma_table: tuple[int, ...] | None = None  # 64 steps in row order, for a JPEG


UNKNOWN = Coding(lossless=False)  # pixels alone: no compression history to test


def coding_of(data: bytes, kind: str) -> Coding:
    """Return how a validated upload of `kind` is stored (reads the JPEG header only)."""
    if kind != "jpeg":
        return Coding(lossless=kind == "png")
    tables = getattr(Image.open(io.BytesIO(data)), "quantization", None) or {}
    table = tables.get(0)
    return Coding(False, tuple(table) if table is not None and len(table) == 64 else None)


def ijg_table(quality: int) -> np.ndarray:
    """Return IJG's luminance table for a quality, as 8x8 steps."""
    scale = 5000 / quality if quality < 50 else 200 - 2 * quality
    return np.clip(np.floor((IJG_BASE * scale + 50) / 100), 1, 255).reshape(8, 8)


def coefficients(px: np.ndarray, box: Box, shift: int = 0, clipped: bool = False
                 ) -> np.ndarray:
    """Return the DCT coefficients of an RGB box's 8x8 JPEG blocks, as (n, 8, 8).

    A block with a channel at black or white was clipped when the first JPEG was decoded,
    which moves its coefficients off the first table's multiples; it is left out unless
    `clipped`. `shift` moves the grid that many pixels right and down, off the JPEG's.
    """
    x0, y0 = box[0] // 8 * 8 + shift, box[1] // 8 * 8 + shift
    part = px[y0:box[3] + shift, x0:box[2] + shift]
    h, w = part.shape[0] // 8 * 8, part.shape[1] // 8 * 8
    part = part[:h, :w]
    luma = part @ np.array([0.299, 0.587, 0.114]) - 128.0
    blocks = luma.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
    if not clipped:
        edge = np.abs(part - 127.5).max(axis=2).reshape(h // 8, 8, w // 8, 8).max(axis=(1, 3))
        blocks = blocks[edge.ravel() < CLIPPED]
    coeffs: np.ndarray = np.einsum("ij,bjk,lk->bil", DCT, blocks, DCT)
    return coeffs


def impossible(coeffs: np.ndarray, second: np.ndarray, first: np.ndarray) -> tuple[int, int]:
    """Return the coefficients in bins a first table leaves empty, and those it constrains.

    Constrained are the nonzero AC coefficients whose first step is the coarser.
    """
    n = np.round(coeffs / second)
    used = (n != 0) & (first > second)
    used[:, 0, 0] = False
    low, high = (n - 0.5) * second - SLACK, (n + 0.5) * second + SLACK
    empty = np.floor(high / first) * first < low
    return int((empty & used).sum()), int(used.sum())


def compressed_apart(px: np.ndarray, own: Box, rest: list[Box], table: tuple[int, ...]) -> bool:
    """Tell whether a box of an RGB array was compressed once where the rest was twice."""
    second = np.array(table, float).reshape(8, 8)
    if not rest:
        return False
    theirs = np.concatenate([coefficients(px, box) for box in rest])
    mine = coefficients(px, own)
    for quality in FIRST_QUALITIES:
        first = ijg_table(quality)
        hits, used = impossible(theirs, second, first)
        if used < FIT_MIN or hits > FIT_RATE * used:
            continue
        own_hits, own_used = impossible(mine, second, first)
        if own_hits >= PATCH_MIN and own_hits >= PATCH_RATE * own_used:
            return True
    return False


# The second test sees what clipping and a finer first table hide from the first: each
# coefficient's bin is scored by how much likelier a first table makes it (the number of
# the first table's multiples that round into it, against the bin's width). A region's
# score less the score of the same region on a grid shifted off the JPEG's (compressed
# once by the second table: the content's own bias) is its excess; the post's text shows
# one under a fitting first table, clipped blocks included, and the time must show it too.
LIKELY_SLACK = 0.5  # DCT units of the pixels' rounding (its spread is 0.29)
EMPTY = 0.1  # the count an empty bin is scored with (a stray coefficient, not impossible)
CALIBRATION_SHIFT = 4  # pixels: halfway across a block, as far off the grid as it gets
Scored = tuple[np.ndarray, np.ndarray]  # a region's coefficients on the grid and off it


def bin_score(coeffs: np.ndarray, second: np.ndarray, first: np.ndarray) -> tuple[float, int]:
    """Return the mean log likelihood ratio of the coefficients' bins under a first table.

    Scored are the nonzero AC coefficients where the two tables differ.
    """
    n = np.round(coeffs / second)
    used = (n != 0) & (first != second)
    used[:, 0, 0] = False
    if not used.any():
        return 0.0, 0
    low = (n - 0.5) * second - LIKELY_SLACK
    high = (n + 0.5) * second + LIKELY_SLACK
    hits = np.floor(high / first) - np.ceil(low / first) + 1
    ratio = np.log(np.maximum(hits, EMPTY) * first / (second + 2 * LIKELY_SLACK))
    return float(ratio[used].mean()), int(used.sum())


def scored_region(px: np.ndarray, boxes: list[Box]) -> Scored:
    """Return a region's coefficients on the JPEG's grid and off it."""
    on = np.concatenate([coefficients(px, box, clipped=True) for box in boxes])
    off = np.concatenate([coefficients(px, box, CALIBRATION_SHIFT, True) for box in boxes])
    return on, off


def excess(region: Scored, second: np.ndarray, first: np.ndarray) -> tuple[float, float, int]:
    """Return a region's bin score above its calibration's, and the coefficients scored.

    Between them: the excess the region would show had `first` compressed it before.
    """
    on, used = bin_score(region[0], second, first)
    once, _ = bin_score(np.round(region[1] / second) * second, second, first)
    twice = np.round(np.round(region[1] / first) * first / second) * second
    return on - once, bin_score(twice, second, first)[0] - once, used


# Measured on seeds 1-5 (8 a kind) and 200-249 (1 a kind, edits saved as JPEGs): 405
# honest JPEGs (compressed once) and 629 honest shares compressed again at two qualities.
# The post's text's best excess: honest once 0-0.085 (no first table), edits 0.11-1.51.
FIT_EXCESS = 0.2
# The time's excess over the text's, each as a share of what compression by the fitting
# table would give it: honest twice-compressed 0.25-1.1, edits 0.14 at most (-0.44-0.14).
APART_SHARE = 0.2
EXPECTED_MIN = 0.2  # excess the time would show under the table, so its absence tells
SCORED_MIN = 1000  # coefficients the post's text needs scored for a fit


def twice_apart(px: np.ndarray, own: Box, rest: list[Box], table: tuple[int, ...]) -> bool:
    """Tell whether a box lacks the first compression that the rest of the text shows."""
    if not rest:
        return False
    second = np.array(table, float).reshape(8, 8)
    theirs, mine = scored_region(px, rest), scored_region(px, [own])
    fits = [(excess(theirs, second, ijg_table(q)), q) for q in FIRST_QUALITIES]
    (found, expected, used), quality = max(fits, key=lambda fit: fit[0][0])
    if found < FIT_EXCESS or used < SCORED_MIN or expected <= 0:
        return False
    own_found, own_expected, _ = excess(mine, second, ijg_table(quality))
    return own_expected >= EXPECTED_MIN and (
        own_found / own_expected <= APART_SHARE * found / expected)
