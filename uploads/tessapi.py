"""A warm tesseract engine in this process, through libtesseract's C API.

The command line loads the language model on every call: about 0.15 CPU-seconds of the
0.3 a screenshot costs. One engine per thread keeps the model loaded; its TSV is what
`tesseract stdin stdout -l LANG --psm N tsv` prints for the same pixels.
"""

import atexit
import ctypes
import ctypes.util
import os
import threading
import weakref
from typing import Any

from PIL import Image

LIBRARY = "tesseract"
HEADER = "\t".join(("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left",
                    "top", "width", "height", "conf", "text"))


class EngineError(RuntimeError):
    """The library is missing or could not load a language."""


_lib: list[Any] = []  # the loaded library, once
_lib_lock = threading.Lock()
_local = threading.local()
_live: "weakref.WeakSet[_Engine]" = weakref.WeakSet()  # freed at exit, or tesseract warns


class _Engine:
    """One loaded model, freed when its thread ends (or the process does)."""

    def __init__(self, lib: Any, lang: str):
        """Create the engine and load the language."""
        self.lib, self.api = lib, lib.TessBaseAPICreate()
        if not self.api or lib.TessBaseAPIInit3(self.api, None, lang.encode()) != 0:
            self.close()
            raise EngineError(f"tesseract could not load language {lang!r}")
        _live.add(self)

    def close(self) -> None:
        """Free the engine once."""
        api, self.api = self.api, None
        if api:
            self.lib.TessBaseAPIDelete(api)

    __del__ = close


def _load() -> Any:
    """Load libtesseract once and declare the few functions used."""
    with _lib_lock:
        if not _lib:
            path = ctypes.util.find_library(LIBRARY)
            if path is None:
                raise EngineError("libtesseract not found")
            # the command line runs with OMP_THREAD_LIMIT=1 too: one core per image is fastest
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            _lib.append(_declare(ctypes.CDLL(path)))
            atexit.register(_close_all)
        return _lib[0]


def _close_all() -> None:
    """Free every live engine as the process ends."""
    for engine in list(_live):
        engine.close()


def _declare(lib: Any) -> Any:
    """Give the C functions their argument and result types."""
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPISetImage.argtypes = [handle, ctypes.c_void_p] + [ctypes.c_int] * 4
    lib.TessBaseAPIGetTsvText.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p  # freed with TessDeleteText
    lib.TessDeleteText.argtypes = [ctypes.c_void_p]
    lib.TessBaseAPIClear.argtypes = [handle]
    lib.TessBaseAPIDelete.argtypes = [handle]
    return lib


def _engine(lang: str) -> tuple[Any, int]:
    """Return this thread's engine for a language, loading the model on first use."""
    engines: dict[str, _Engine] = _local.__dict__.setdefault("engines", {})
    if lang not in engines:
        engines[lang] = _Engine(_load(), lang)  # kept for the thread's life
    engine = engines[lang]
    return engine.lib, engine.api


def tsv(img: Image.Image, lang: str, psm: int) -> str:
    """Return tesseract's TSV for a greyscale image, header line first as the command has it."""
    lib, api = _engine(lang)
    grey = img if img.mode == "L" else img.convert("L")
    data = grey.tobytes()
    lib.TessBaseAPISetPageSegMode(api, psm)
    lib.TessBaseAPISetImage(api, data, grey.width, grey.height, 1, grey.width)
    raw = lib.TessBaseAPIGetTsvText(api, 0)
    lib.TessBaseAPIClear(api)
    if not raw:
        raise EngineError("tesseract returned no text")
    try:
        return HEADER + "\n" + ctypes.string_at(raw).decode("utf-8", "replace")
    finally:
        lib.TessDeleteText(raw)


def available() -> bool:
    """Tell whether the in-process engine can run here."""
    try:
        _load()
    except (EngineError, OSError):
        return False
    return True
