import random

import pytest
from PIL import Image

from uploads import synth


def test_same_seed_same_screenshot():
    a = synth.render_share(synth.random_share(random.Random(1), synth.DEMO_NOW))
    b = synth.render_share(synth.random_share(random.Random(1), synth.DEMO_NOW))
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("size", synth.PHONE_SIZES)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_sizes_and_themes(size, theme):
    rng = random.Random(2)
    share = synth.render_share(synth.random_share(rng, synth.DEMO_NOW, size=size, theme=theme))
    app = synth.render_app(synth.random_app(rng, synth.DEMO_NOW, size=size, theme=theme))
    corner = share.getpixel((share.width // 2, share.height - 5))
    assert share.size == app.size == size
    assert (sum(corner) > 600) == (theme == "light")


def test_post_time_forms():
    now = synth.DEMO_NOW
    posted = now.replace(hour=14, minute=32, day=26)
    assert synth.format_post_time(posted, now, "full") == "2016年5月26日 14:32"
    assert synth.format_post_time(posted, now, "day_before") == "前天 14:32"
    assert synth.format_post_time(now, now, "just_now") == "刚刚"


def test_helpers():
    img = Image.new("RGB", (100, 200), "white")
    assert synth.rescale(img, 0.5).size == (50, 100)
    assert synth.crop(img, top=0.1, bottom=0.1).size == (100, 160)
    assert synth.to_jpeg(img)[:3] == b"\xff\xd8\xff" and synth.to_png(img)[:4] == b"\x89PNG"
    assert synth.random_masked_phone(random.Random(3))[3:7] == "****"
