"""Read text from screenshots: tesseract first, RapidOCR for what it leaves unclear."""

import io
import os
import re
import subprocess
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytesseract
from PIL import Image, ImageOps

from uploads import tessapi
from uploads.imageprep import clear_blobs, reveal_buttons

TESSERACT: str | None = None  # None: libtesseract in-process, else pytesseract's binary
OCR_WIDTH = 720
RAPID_WIDTH = 720
STRETCH = (150, 235)
TIMEOUT = 60
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_CJK = re.compile(rf"(?<=[{_CJK}])[^\S\n]+|[^\S\n]+(?=[{_CJK}])")
_LUT = [min(255, max(0, round((v - STRETCH[0]) * 255 / (STRETCH[1] - STRETCH[0]))))
        for v in range(256)]


class OcrError(RuntimeError):
    """The OCR engine failed to run."""


@dataclass(frozen=True)
class Line:
    """One line of text with its box as fractions of the image size."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class OcrResult:
    """The lines read from one image and the tier that read them."""

    lines: tuple[Line, ...]
    tier: int

    @property
    def text(self) -> str:
        """Return all lines joined by newlines."""
        return "\n".join(line.text for line in self.lines)


def normalize(text: str) -> str:
    """Apply NFKC and drop the spaces OCR puts between Chinese characters."""
    return _SPACE_CJK.sub("", unicodedata.normalize("NFKC", text)).strip()


def fit_width(img: Image.Image, width: int) -> Image.Image:
    """Shrink an image to at most `width` pixels wide."""
    if img.width <= width:
        return img
    height = max(1, round(img.height * width / img.width))
    return img.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=2.0)


def prepare(img: Image.Image, width: int = OCR_WIDTH) -> Image.Image:
    """Turn a screenshot into dark-on-light grey with faint grey text stretched to black."""
    rgb = fit_width(img.convert("RGB"), width)
    grey = rgb.convert("L")
    if np.asarray(grey).mean() < 128:
        grey = ImageOps.invert(grey)
    return clear_blobs(reveal_buttons(rgb, grey.point(_LUT)))


def _pgm(img: Image.Image) -> bytes:
    """Encode a grey image as binary PGM, which tesseract reads from stdin unparsed."""
    buf = io.BytesIO()
    img.save(buf, format="PPM")
    return buf.getvalue()


def run_tesseract(img: Image.Image, lang: str = "chi_sim", psm: int = 6) -> list[Line]:
    """Run tesseract on a prepared image and return its lines.

    A warm engine in this process when libtesseract is there (the same TSV, without loading
    the model for every image), else the command through stdin.
    """
    if TESSERACT is None and tessapi.available():
        try:
            return parse_tsv(tessapi.tsv(img, lang, psm), img.size)
        except tessapi.EngineError as exc:
            raise OcrError(f"tesseract failed: {exc}") from exc
    return _run_command(img, lang, psm)


def _run_command(img: Image.Image, lang: str, psm: int) -> list[Line]:
    """Run the tesseract command on a prepared image through stdin."""
    # pytesseract always writes a temporary file; piping a PGM skips that round trip.
    cmd = [TESSERACT or pytesseract.pytesseract.tesseract_cmd, "stdin", "stdout", "-l", lang, "--psm", str(psm), "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per image is fastest here
    try:
        done = subprocess.run(cmd, input=_pgm(img), capture_output=True, timeout=TIMEOUT,
                              env=env, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrError(f"tesseract failed: {exc}") from exc
    return parse_tsv(done.stdout.decode("utf-8", "replace"), img.size)


def parse_tsv(tsv: str, size: tuple[int, int]) -> list[Line]:
    """Group tesseract's TSV words into lines."""
    groups: dict[tuple[str, str, str], list[list[str]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            groups.setdefault((cols[2], cols[3], cols[4]), []).append(cols)
    return [_line(words, size) for words in groups.values()]


def _line(words: list[list[str]], size: tuple[int, int]) -> Line:
    """Merge the words of one tesseract line."""
    w, h = size
    boxes = [[int(c) for c in word[6:10]] for word in words]
    text = normalize(" ".join(word[11] for word in words))
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return Line(text, x0 / w, y0 / h, x1 / w, y1 / h)


_engine = None
_engine_lock = threading.Lock()


def rapid_engine() -> Any:
    """Return the process-wide RapidOCR engine, built on first use with one ONNX thread."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # heavy import, only when needed

            _engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        return _engine


def run_rapid(img: Image.Image) -> list[Line]:
    """Run RapidOCR on a screenshot shrunk to RAPID_WIDTH and return its lines."""
    rgb = fit_width(img.convert("RGB"), RAPID_WIDTH)
    try:
        found, _ = rapid_engine()(np.asarray(rgb)[:, :, ::-1])
    except Exception as exc:  # noqa: BLE001 - any engine failure is an OCR failure
        raise OcrError(f"RapidOCR failed: {exc}") from exc
    w, h = rgb.size
    lines = []
    for box, text, _score in found or ():
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        lines.append(Line(normalize(text), min(xs) / w, min(ys) / h, max(xs) / w, max(ys) / h))
    return sorted(lines, key=lambda line: (line.y0, line.x0))


def reread_line(img: Image.Image, line: Line, pad: int = 4) -> str:
    """Re-read one line with RapidOCR's recogniser alone (about 20 ms a line)."""
    w, h = img.size
    box = (max(0, int(line.x0 * w) - pad), max(0, int(line.y0 * h) - pad),
           min(w, int(line.x1 * w) + pad), min(h, int(line.y1 * h) + pad))
    crop = np.asarray(img.crop(box).convert("RGB"))[:, :, ::-1]
    try:
        found, _ = rapid_engine()(crop, use_det=False, use_cls=False)
    except Exception as exc:  # noqa: BLE001 - any engine failure is an OCR failure
        raise OcrError(f"RapidOCR failed: {exc}") from exc
    return normalize(found[0][0]) if found else ""


_cache: OrderedDict[tuple[str, int], OcrResult] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 256


def _cached(key: str | None, tier: int, read: Callable[[], OcrResult]) -> OcrResult:
    """Return a cached reading of the image with digest `key`, reading it when missing."""
    if key is None:
        return read()
    with _cache_lock:
        if (key, tier) in _cache:
            _cache.move_to_end((key, tier))
            return _cache[(key, tier)]
    result = read()
    with _cache_lock:
        _cache[(key, tier)] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def read_tier1(img: Image.Image, key: str | None = None) -> OcrResult:
    """Read an image with the fast first tier (cached by the image digest `key`)."""
    return _cached(key, 1, lambda: OcrResult(tuple(run_tesseract(prepare(img))), tier=1))


def read_tier2(img: Image.Image, key: str | None = None) -> OcrResult:
    """Read an image with the accurate second tier (cached by the image digest `key`)."""
    return _cached(key, 2, lambda: OcrResult(tuple(run_rapid(img)), tier=2))
