"""Real phone screenshots (none a recruitment share or an app download) are never accepted."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uploads.checker import check_batch
from uploads.fields import footer_time
from uploads.forensics import part_box, pixel_box
from uploads.lettering import is_running_text, odd_lettering
from uploads.ocr import read_tier2
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW

SCREENS = Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "screens"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SCREENS.is_dir(), reason=f"{SCREENS} is missing"),
]


@pytest.fixture(scope="module")
def screens() -> list[tuple[str, bytes]]:
    files = sorted(p for p in SCREENS.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    return [(p.name, p.read_bytes()) for p in files]


@pytest.mark.parametrize("task", ["wechat_share", "app_download"])
def test_no_real_screenshot_is_accepted(screens, task):
    assert screens, "no screenshots found"
    verdicts = check_batch(screens, task, rules_from_campaign(CAMPAIGN_2016, task), DEMO_NOW)
    accepted = [v.file for v in verdicts if v.verdict == "accept"]
    assert accepted == []
    assert all(v.reasons for v in verdicts)


def _read(name: str):
    img = Image.open(SCREENS / name).convert("RGB")
    return img, np.asarray(img, dtype=np.float32), read_tier2(img).lines


def test_a_real_screens_stamps_have_the_same_lettering():
    """The lettering sign compares a share's stamp with its other stamps: on a real list of
    articles ("1小时前" twice) they agree."""
    img, px, lines = _read("iotjin_jh_flutter_demo_wx_subscribeNum.jpg")
    stamps = [part_box(img, line, t.text) for line in lines
              if (t := footer_time(line.text, DEMO_NOW))]
    assert len(stamps) == 2
    assert not odd_lettering(px, stamps[0], stamps[1:], None)
    assert not odd_lettering(px, stamps[1], stamps[:1], None)


def test_a_real_detail_pages_stamp_is_shorter_than_the_text_above():
    """A stamp as tall as the line above it is a sign: on a real detail page ("14:36 删除"
    under the post's text) it measured 0.86 of it."""
    img, px, lines = _read("luler_WechatMomentScreenshot_example_phone_crop.png")
    at = max(i for i, line in enumerate(lines) if line.text.startswith("14"))
    above = next(line for line in reversed(lines[:at]) if is_running_text(line.text))
    own = part_box(img, lines[at], lines[at].text[:5])
    assert not odd_lettering(px, own, [], pixel_box(img, above))
