"""The blob cleaner's window filters: Pillow's MinFilter/MaxFilter values, in numpy."""

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


def test_the_window_filter_costs_a_fraction_of_pillows():
    """Pillow's rank filter holds the GIL while it runs: ours must take far less time."""
    cells = (np.random.default_rng(1).random((480, 270)) < 0.3).astype(np.uint8) * 255
    image = Image.fromarray(cells)

    def best(work) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return min(times)

    pillow = best(lambda: image.filter(ImageFilter.MinFilter(imageprep.CLOSE_CELLS)))
    ours = best(lambda: imageprep._window(cells, imageprep.CLOSE_CELLS, True))
    assert ours * 5 < pillow, (ours, pillow)
