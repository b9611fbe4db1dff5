"""The blob cleaner's window filters: Pillow's MinFilter/MaxFilter values, without the GIL."""

import threading
import time

import numpy as np
import pytest
from PIL import Image, ImageFilter

from uploads import imageprep


@pytest.mark.parametrize("seed", range(6))
def test_window_filters_equal_pillows_rank_filters(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        h, w = (int(v) for v in rng.integers(1, 50, 2))
        cells = (rng.random((h, w)) < rng.random()).astype(np.uint8) * 255 if seed % 2 \
            else rng.integers(0, 256, (h, w), dtype=np.uint8)
        image = Image.fromarray(cells)
        for size in (3, imageprep.OPEN_CELLS, imageprep.CLOSE_CELLS):
            for darkest, pillow in ((True, ImageFilter.MinFilter), (False, ImageFilter.MaxFilter)):
                assert np.array_equal(imageprep._window(cells, size, darkest),
                                      np.asarray(image.filter(pillow(size))))


def test_an_avatar_is_whitened_and_text_strokes_are_kept():
    grey = np.full((400, 300), 255, np.uint8)
    grey[40:120, 20:100] = 0  # a solid square avatar
    grey[200:204, 20:280] = 0  # a text stroke: thin
    out = np.asarray(imageprep.clear_blobs(Image.fromarray(grey)))
    assert (out[40:120, 20:100] == 255).all() and (out[200:204, 20:280] == 0).all()


def test_the_window_filter_lets_another_thread_run():
    """A Python thread keeps counting while the filter runs (Pillow's rank filter stops it)."""
    cells = (np.random.default_rng(1).random((480, 270)) < 0.3).astype(np.uint8) * 255
    ticks, stop = [0], threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks[0] += 1

    def ticks_during(work) -> float:
        """Return the other thread's ticks per second while `work` runs."""
        ticks[0], stop_at = 0, time.perf_counter()
        stop.clear()
        other = threading.Thread(target=count)
        other.start()
        for _ in range(5):
            work()
        stop.set()
        other.join()
        return ticks[0] / (time.perf_counter() - stop_at)

    image = Image.fromarray(cells)
    pillow = ticks_during(lambda: image.filter(ImageFilter.MinFilter(imageprep.CLOSE_CELLS)))
    ours = ticks_during(lambda: imageprep._window(cells, imageprep.CLOSE_CELLS, True))
    assert ours > 2 * pillow, (ours, pillow)
